// A leader's home, at the top of Inicio and Referidos: four tiles that
// open the list filtered, the goal against registered people and against
// people who can vote, and "Requieren acción": each person whose check
// needs the leader, with the next step, a call link and a WhatsApp link
// with a message the leader can edit. Built once, updated in place.
import { h, replace } from "./dom.js";
import { STATUS, ACTION, inFlight, failed, nextStep, novedadGroup, showsPlace } from "./census.js";
import { firstName, formatNumber } from "./format.js";

/** WORKLIST_MAX is how many people the worklist names before "Ver todos". */
const WORKLIST_MAX = 5;

/** TILES are the home's counts, each opening the list on a filter (leaders.js FILTERS). */
const TILES = [
  { id: "todos", label: "Registrados", count: () => true },
  { id: "votan", label: "Pueden votar", count: (s, info) => showsPlace(info) }, // a re-check keeps the last answer
  { id: "proceso", label: "En verificación", count: (s) => inFlight(s) },
  { id: "accion", label: "Requieren acción", count: (s) => ACTION.includes(s) },
];

/** queueWords says how long the queue takes at the worker's measured rate ("≈ 2 min"), "" when unknown. */
export function queueWords(queue) {
  if (!queue || !(queue.waiting + queue.processing)) return "";
  if (queue.eta_seconds == null) return "sin estimación aún";
  const min = Math.max(1, Math.ceil(queue.eta_seconds / 60));
  return min < 90 ? `≈ ${formatNumber(min)} min` : `≈ ${formatNumber(Math.round(min / 60))} h`;
}

/** waMessage is the prewritten WhatsApp message to one person about their check. */
export function waMessage(user, info, leaderName) {
  const who = firstName(user.name);
  const me = firstName(leaderName);
  const hi = `Hola ${who}, soy ${me}.`;
  if (info?.status === STATUS.NOT_FOUND) {
    return `${hi} Revisé tu cédula en la Registraduría y no aparece en el censo electoral. ¿Me confirmas el número? Si está bien, hay que inscribirla en la Registraduría.`;
  }
  if (novedadGroup(info?.novedad) === "pending") {
    return `${hi} La Registraduría dice que tu cédula todavía está en trámite. ¿Ya la recibiste?`;
  }
  if (info?.novedad) return `${hi} La Registraduría reporta una novedad con tu cédula («${info.novedad}»). ¿Hablamos para revisarla?`;
  return `${hi} Estoy revisando tu inscripción en el censo electoral. ¿Tienes un momento para hablar?`;
}

/** waLink is a wa.me link to a Colombian mobile with a prewritten text. */
export const waLink = (phone, text) => `https://wa.me/57${String(phone || "").replace(/\D/g, "")}?text=${encodeURIComponent(text)}`;

/**
 * homeView builds the home once; update(all, {goal, leaderName, queue})
 * refreshes it in place, so focus and a message being edited survive live
 * events. onPick(filterId) opens the list (without it the tiles are links
 * to /referidos); onRefresh(user) asks for a new check.
 */
export function homeView({ onPick, onRefresh, countTestId = "goal-count" } = {}) {
  const tiles = new Map();
  const tileBox = h("div", { class: "tiles" });
  for (const t of TILES) {
    const n = h("span", { class: "tile-n" }, "0");
    const sub = h("span", { class: "tile-sub" });
    const attrs = { class: `tile tile-${t.id}`, "data-tile": t.id };
    const el = onPick
      ? h("button", { type: "button", ...attrs, onClick: () => onPick(t.id) }, n, h("span", { class: "tile-label" }, t.label), sub)
      : h("a", { href: `/referidos?filtro=${t.id}`, ...attrs }, n, h("span", { class: "tile-label" }, t.label), sub);
    tiles.set(t.id, { el, n, sub });
    tileBox.append(el);
  }
  const goalBox = h("div", { class: "goal" });
  const items = new Map();
  const list = h("ul", { class: "worklist" });
  const listNote = h("p", { class: "hint" });
  const more = h("p", {});
  const work = h("section", { class: "card worklist-card", "aria-labelledby": "work-h", "data-testid": "worklist" },
    h("h2", { id: "work-h" }, "Requieren acción"), listNote, list, more);
  const el = h("div", { class: "home" },
    h("section", { class: "card", "aria-labelledby": "home-h" }, h("h2", { id: "home-h" }, "Tus referidos"), tileBox, goalBox), work);

  function item(user, info, leaderName) {
    let it = items.get(user.id);
    if (!it) {
      it = { edited: false };
      it.name = h("strong", {});
      it.step = h("span", {});
      it.tel = h("a", { class: "btn small" }, "Llamar");
      it.wa = h("a", { class: "btn small", target: "_blank", rel: "noopener noreferrer" }, "WhatsApp");
      it.text = h("textarea", { rows: "4", id: `msg-${user.id}` });
      it.text.addEventListener("input", () => { it.edited = true; it.wa.href = waLink(it.user.phone, it.text.value); });
      it.label = h("label", { for: `msg-${user.id}` });
      it.edit = h("details", { class: "wa-edit" }, h("summary", {}, "Editar el mensaje"), it.label, it.text);
      it.refresh = h("button", { type: "button", class: "btn small", onClick: () => onRefresh?.(it.user) }, "Consultar");
      it.noWa = h("span", { class: "muted", "data-testid": "no-wa" }, "No autorizó mensajes por WhatsApp");
      it.contact = h("div", { class: "actions" }, it.tel, it.wa, it.noWa);
      it.li = h("li", { "data-id": user.id }, h("p", { class: "work-line" }, it.name, " ", it.step), it.contact, it.edit, it.refresh);
      items.set(user.id, it);
    }
    it.user = user;
    const first = firstName(user.name);
    it.name.textContent = user.name;
    it.step.textContent = `— ${nextStep(info, first)}.`;
    const isFailure = failed(info?.status);
    // WhatsApp only for people who authorised being contacted (habeas data).
    const mayWrite = !!user.contact_consent;
    it.contact.hidden = isFailure;
    it.wa.hidden = !mayWrite;
    it.noWa.hidden = mayWrite;
    it.edit.hidden = isFailure || !mayWrite;
    it.refresh.hidden = !isFailure;
    it.refresh.setAttribute("aria-label", `Consultar de nuevo a ${user.name}`);
    it.tel.href = `tel:+57${user.phone}`;
    it.tel.setAttribute("aria-label", `Llamar a ${user.name}`);
    it.wa.setAttribute("aria-label", `Escribir a ${user.name} por WhatsApp (abre WhatsApp)`);
    it.label.textContent = `Mensaje para ${first}`;
    if (!it.edited) it.text.value = waMessage(user, info, leaderName);
    it.wa.href = waLink(user.phone, it.text.value);
    return it.li;
  }

  function update(all, { goal = 0, leaderName = "", queue = null } = {}) {
    for (const t of TILES) {
      const n = all.filter((r) => t.count(r.info?.status, r.info)).length;
      const { n: num, sub } = tiles.get(t.id);
      num.textContent = formatNumber(n);
      sub.textContent = t.id === "proceso" && n ? queueWords(queue) : "";
    }
    const registered = all.length;
    const canVote = all.filter((r) => showsPlace(r.info)).length;
    const bar = (label, n) => {
      const pct = goal > 0 ? Math.min(100, Math.floor((n * 100) / goal)) : 0;
      return h("div", { class: "goal-row" },
        h("p", {}, `${label}: `, h("strong", {}, formatNumber(n)), ` de ${formatNumber(goal)}`),
        h("progress", { max: "100", value: String(pct), "aria-label": `${label}: ${formatNumber(pct)} % de tu meta` }));
    };
    replace(goalBox, goal > 0
      ? [h("p", { class: "big", "data-testid": countTestId }, h("strong", {}, formatNumber(registered)), ` de ${formatNumber(goal)}`,
        h("span", { class: "hint" }, " en tu meta")),
        bar("Registrados", registered), bar("Pueden votar", canVote),
        h("p", {}, canVote >= goal ? "Tu meta se cumple con personas que pueden votar."
          : `Faltan ${formatNumber(goal - canVote)} personas que puedan votar para tu meta.`)]
      : [h("p", { class: "big", "data-testid": countTestId }, h("strong", {}, formatNumber(registered)), " registrados"),
        h("p", {}, `${formatNumber(canVote)} pueden votar. No tienes una meta: `, h("a", { href: "/perfil" }, "fíjala en tu perfil"), ".")]);

    const need = all.filter((r) => ACTION.includes(r.info?.status))
      .sort((a, b) => (failed(a.info.status) - failed(b.info.status)) || a.user.name.localeCompare(b.user.name, "es"));
    const top = need.slice(0, WORKLIST_MAX);
    const keep = new Set(top.map((r) => r.user.id));
    for (const [id, it] of items) if (!keep.has(id)) { it.li.remove(); items.delete(id); }
    let cursor = list.firstChild;
    for (const r of top) {
      const li = item(r.user, r.info, leaderName);
      if (cursor === li) cursor = cursor.nextSibling;
      else list.insertBefore(li, cursor);
    }
    listNote.textContent = need.length ? "" : "Nadie requiere acción por ahora.";
    replace(more, need.length > WORKLIST_MAX
      ? (onPick ? h("button", { type: "button", class: "btn secondary", onClick: () => onPick("accion") }, `Ver los ${formatNumber(need.length)}`)
        : h("a", { href: "/referidos?filtro=accion" }, `Ver los ${formatNumber(need.length)}`))
      : null);
  }
  return { el, update };
}
