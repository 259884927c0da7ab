// The testigo's page on election day: their puesto and mesa, the campaign's
// people who vote there (to mark them), and after closing the E-14 form with
// a photo of the paper form. Marks and the report wait in the outbox when
// there is no connection.
import { h, replace } from "../dom.js";
import { title, toast } from "../ui.js";
import { pb, message } from "../session.js";
import { isOpen, hourLabel, queueE14, onOutbox, onSent, flush } from "../diad.js";
import { markState, applyMark, markControl } from "./diad.js";

export default async function testigo(root) {
  root.append(title("Testigo electoral"));
  let data;
  try {
    data = await pb.send("/api/dia-d/mesa", {});
  } catch (err) {
    root.append(h("p", { class: "card" }, message(err, "No pudimos cargar tu mesa.")));
    return;
  }
  const { election, testigo: t } = data;
  const st = markState();
  for (const p of data.people) if (p.voted) st.live.set(p.id, { id: "", user: p.id, marked_at: "", status: "live" });
  const list = h("ul", { class: "plain-list", "data-testid": "mesa-people" });
  const outbox = h("p", { class: "note", role: "status" });
  root.append(
    h("section", { class: "card", "aria-labelledby": "mesa-h" },
      h("h2", { id: "mesa-h" }, `Mesa ${t.mesa}`),
      h("p", {}, `${t.puesto} · ${t.municipio} · ${t.departamento}`),
      h("p", {}, `${election.name}, de ${hourLabel(election.opens_at)} a ${hourLabel(election.closes_at)}`)),
    outbox,
    h("section", { class: "card", "aria-labelledby": "people-h" },
      h("h2", { id: "people-h" }, "Nuestra gente en tu mesa"), list));

  function draw() {
    replace(list, data.people.length === 0 ? h("li", { class: "empty" }, "Nadie de la campaña vota en esta mesa.") : null,
      data.people.map((p) => h("li", {}, h("span", { class: "name" }, p.name), " ",
        st.live.has(p.id) && !st.live.get(p.id).marked_at
          ? h("span", { class: "badge ok" }, "Votó")
          : markControl(st, election, p, "testigo", draw))));
  }

  // The E-14 form: votes per option, blank, null, unmarked, total, photo.
  const options = Array.isArray(election.options) ? election.options : [];
  const num = (name, label) => h("div", { class: "field" },
    h("label", { for: `e14-${name}` }, label),
    h("input", { id: `e14-${name}`, name, type: "number", min: "0", step: "1", inputmode: "numeric", value: "0", required: true }));
  const form = h("form", { class: "form", "aria-labelledby": "e14-h", novalidate: true },
    options.map((o, i) => num(`opt${i}`, o)),
    num("blank", "Votos en blanco"), num("null_votes", "Votos nulos"), num("unmarked", "Tarjetas no marcadas"),
    num("total", "Total de votos en la urna"),
    h("div", { class: "field" }, h("label", { for: "e14-photo" }, "Foto del formulario E-14"),
      h("input", { id: "e14-photo", name: "photo", type: "file", accept: "image/*", capture: "environment" })),
    h("p", { class: "form-error", role: "alert", hidden: true }),
    h("button", { type: "submit", class: "btn primary" }, "Enviar E-14"));
  const sum = h("p", { class: "note", "aria-live": "polite" });
  form.addEventListener("input", () => {
    const v = (n) => Number(form.elements[n]?.value || 0);
    const s = options.reduce((a, _, i) => a + v(`opt${i}`), 0) + v("blank") + v("null_votes") + v("unmarked");
    sum.textContent = s === v("total") ? `La suma (${s}) coincide con el total.` : `Atención: la suma (${s}) no coincide con el total (${v("total")}). Puedes enviarlo igual; quedará marcado para revisión.`;
  });
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const v = (n) => Math.max(0, Math.floor(Number(form.elements[n].value || 0)));
    const votes = {};
    options.forEach((o, i) => { votes[o] = v(`opt${i}`); });
    const photo = form.elements.photo.files[0] || null;
    try {
      await queueE14(t, { votes, blank: v("blank"), null_votes: v("null_votes"), unmarked: v("unmarked"), total: v("total") }, photo);
      toast("E-14 guardado. Se envía en cuanto haya conexión.", "ok");
    } catch (err) {
      toast(message(err), "warn");
    }
  });
  root.append(h("section", { class: "card", "aria-labelledby": "e14-h" },
    h("h2", { id: "e14-h" }, "Formulario E-14"),
    h("p", {}, isOpen(election) ? `Llénalo cuando cierre la mesa (${hourLabel(election.closes_at)}) y termine el conteo.` : "Anota los resultados del conteo de tu mesa."),
    form, sum));

  const stops = [
    onOutbox((items) => {
      st.queued.clear();
      for (const it of items) if (it.kind === "mark") st.queued.set(it.body.user, it);
      const e14 = items.filter((i) => i.kind === "e14").length;
      outbox.textContent = items.length ? `${items.length} pendientes de enviar${e14 ? " (incluye el E-14)" : ""}.` : "";
      draw();
    }),
    onSent((item, rec) => {
      if (item.kind === "mark") { applyMark(st, rec); draw(); }
      if (item.kind === "e14") toast(rec.flagged ? `E-14 recibido, marcado para revisión: ${rec.flag_reason}` : "E-14 recibido.", rec.flagged ? "warn" : "ok", 8000);
    }),
  ];
  draw();
  flush();
  return () => { for (const s of stops) s(); };
}
