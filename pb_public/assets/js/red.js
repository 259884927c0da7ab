// The network (la red) as every page tells it: the /api/red endpoints, a
// person's node in words (role, counts, census breakdown, goals), and the
// live "red" topic. Used by the /red page and by Inicio.
import { h } from "./dom.js";
import { pb } from "./session.js";
import { formatNumber } from "./format.js";
import { goalPercent } from "./referral.js";

/** ROLES are the roles' Spanish names. */
export const ROLES = { coordinator: "Coordinador", leader: "Líder", member: "Miembro" };

/** CENSUS are a subtree's census groups, with their badge tones. */
export const CENSUS = [
  { key: "habilitados", label: "Habilitados", tone: "ok" },
  { key: "novedad", label: "Con novedad", tone: "warn" },
  { key: "pendientes", label: "Pendientes", tone: "wait" },
  { key: "problemas", label: "Con problemas", tone: "bad" },
];

/** RANKINGS are the orders of the leaders' ranking and how to say a value. */
export const RANKINGS = [
  { id: "size", label: "Tamaño de la red", value: (v) => peopleWord(v) },
  { id: "able", label: "Pueden votar", value: (v) => (v === 1 ? "1 habilitado" : `${formatNumber(v)} habilitados`) },
  { id: "growth", label: "Crecimiento en 7 días", value: (v) => `+${formatNumber(v)}` },
  { id: "goal", label: "Avance de la meta", value: (v) => `${formatNumber(Math.round(v * 10) / 10)} %` },
];

const enc = encodeURIComponent;

/** api is the /api/red endpoints (docs: /work/red-api.md, routes/openapi.json). */
export const api = {
  node: (id) => pb.send(`/api/red/nodes/${enc(id)}`, {}),
  children: (id, page, perPage = 50) => pb.send(`/api/red/nodes/${enc(id)}/children`, { query: { page, perPage } }),
  ranking: (id, by, page, perPage = 10) => pb.send(`/api/red/nodes/${enc(id)}/ranking`, { query: { by, page, perPage } }),
  // exclude: the person being moved (the server leaves out them, their branch and their referrer).
  search: (q, exclude) => pb.send("/api/red/search", { query: exclude ? { q, exclude } : { q } }),
  move: (id, parent) => pb.send(`/api/red/nodes/${enc(id)}/move`, { method: "POST", body: { parent } }),
  role: (id, role) => pb.send(`/api/red/nodes/${enc(id)}/role`, { method: "POST", body: { role } }),
  goals: (id, goals) => pb.send(`/api/red/nodes/${enc(id)}/goals`, { method: "POST", body: goals }),
};

/** peopleWord is "1 persona" / "N personas". */
export const peopleWord = (n) => (n === 1 ? "1 persona" : `${formatNumber(n)} personas`);

/** levelsList says how many people are at each level below a person. */
export function levelsList(levels) {
  return h("ol", { class: "levels", "data-testid": "levels" }, (levels || []).map((n, i) =>
    h("li", { "data-level": String(i + 1) },
      h("span", {}, i === 0 ? "Nivel 1 (tus referidos)" : `Nivel ${i + 1}`),
      h("strong", {}, formatNumber(n)))));
}

/** censusChips is a subtree's census breakdown as four labelled numbers. */
export function censusChips(census) {
  if (!census) return null;
  return h("ul", { class: "census-chips", "aria-label": "Estado en el censo de su red" }, CENSUS.map((c) =>
    h("li", { class: `chip ${c.tone}`, "data-census": c.key }, `${c.label}: `, h("strong", {}, formatNumber(census[c.key] || 0)))));
}

/** goalBar is progress towards one goal, or nothing without a goal. */
export function goalBar(label, count, goal) {
  if (!goal) return null;
  const pct = goalPercent(goal, count);
  return h("div", { class: "goal" },
    h("span", { class: "goal-label" }, `${label}: ${formatNumber(count)} de ${formatNumber(goal)}`),
    h("progress", { max: "100", value: String(pct), "aria-label": `${label}: ${formatNumber(pct)} % de la meta` }));
}
