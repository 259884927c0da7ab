// Listas por puesto: the manager's people grouped municipio → puesto → mesa,
// with phone (tap to call), direct leader and a one-tap mark. The print
// stylesheet makes one A4 page per puesto with its header. Readable offline
// once loaded.
import { h } from "../dom.js";
import { title, toast } from "../ui.js";
import { pb, message, isLeader } from "../session.js";
import { subscribeTopic } from "../live.js";
import { formatCedula, formatPhone, formatDate } from "../format.js";
import { currentElection, onOutbox, onSent } from "../diad.js";
import { loadPeople, markState, applyMark, markControl } from "./diad.js";

export default async function listas(root) {
  root.append(title("Listas por puesto"));
  if (!isLeader()) {
    root.append(h("p", {}, "Esta página es para líderes y coordinadores."));
    return;
  }
  const election = await currentElection().catch(() => null);
  let people;
  try {
    const loaded = await loadPeople();
    people = loaded.people;
    if (loaded.cached) toast("Sin conexión: mostrando la lista guardada.", "warn");
  } catch (err) {
    root.append(h("p", { class: "form-error", role: "alert" }, message(err, "No pudimos cargar las listas.")));
    return;
  }
  const st = markState();
  const body = h("div", { class: "listas" });
  root.append(h("div", { class: "actions no-print" },
    h("button", { type: "button", class: "btn primary", onClick: () => window.print() }, "Imprimir"),
    h("a", { href: "/dia-d", class: "btn secondary" }, "Volver al Día D")), body);

  const today = formatDate(new Date().toISOString());
  function draw() {
    const puestos = new Map();
    for (const p of people) {
      const k = `${p.departamento}|${p.municipio}|${p.puesto}`;
      if (!puestos.has(k)) puestos.set(k, []);
      puestos.get(k).push(p);
    }
    body.replaceChildren(...[...puestos.values()].map((list) => {
      const first = list[0];
      return h("section", { class: "puesto-sheet card", "aria-label": first.puesto || "Sin lugar de votación" },
        h("h2", {}, first.puesto || "Sin lugar de votación"),
        h("p", { class: "puesto-meta" }, [first.direccion, first.municipio, first.departamento].filter(Boolean).join(" · "),
          ` · ${election ? election.name + " · " : ""}${today}`),
        h("div", { class: "table-wrap" }, h("table", { class: "grid print-list" },
          h("thead", {}, h("tr", {}, ["Mesa", "Nombre", "Cédula", "Teléfono", "Líder directo", "Votó"].map((c) => h("th", { scope: "col" }, c)))),
          h("tbody", {}, list.map((p) => h("tr", {},
            h("td", { class: "nowrap" }, p.mesa || "—"),
            h("td", { class: "name" }, p.name),
            h("td", { class: "nowrap" }, formatCedula(p.cedula)),
            h("td", { class: "nowrap" }, h("a", { href: `tel:+57${p.phone}` }, formatPhone(p.phone))),
            h("td", {}, p.leader_name),
            h("td", { class: "nowrap" }, election ? markControl(st, election, p, "leader", draw) : "")))))));
    }));
  }
  const stops = [];
  if (election) {
    const marks = await pb.collection("vote_marks").getFullList({ filter: `election = "${election.id}" && status = "live"`, batch: 1000 }).catch(() => []);
    for (const m of marks) applyMark(st, m);
    stops.push(
      await subscribeTopic("dia-d", (e) => { if (e.record?.election === election.id) { applyMark(st, e.record); draw(); } }),
      onOutbox((items) => { st.queued.clear(); for (const it of items) if (it.kind === "mark") st.queued.set(it.body.user, it); draw(); }),
      onSent((item, rec) => { if (item.kind === "mark") { applyMark(st, rec); draw(); } }));
  }
  draw();
  return () => { for (const s of stops) s(); };
}
