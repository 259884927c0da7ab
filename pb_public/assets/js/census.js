// The census statuses as the app shows them. The words and the sets come
// from the server (census-vocab.js, generated from package census); this
// module only decides how they look.
import {
  STATUS, IN_FLIGHT, ANSWERS, FAILED, CANCELLED, LABELS, UNKNOWN_LABEL, MEANINGS, UNKNOWN_MEANING, FAILURE_WORDS,
} from "./census-vocab.js";

export { STATUS };

/** The leaders' filter tabs, each a set of statuses; together they hold every status once. */
export const GROUPS = [
  { id: "todos", label: "Todos", statuses: null },
  { id: "lugar", label: "Con lugar de votación", statuses: [STATUS.ACTIVE] },
  { id: "proceso", label: "En proceso", statuses: IN_FLIGHT },
  { id: "novedad", label: "Con novedad", statuses: ANSWERS.filter((s) => s !== STATUS.ACTIVE) },
  { id: "problemas", label: "Con problemas", statuses: FAILED },
];

/** inFlight statuses are being answered right now. */
export const inFlight = (s) => IN_FLIGHT.includes(s);

/** cancelled statuses carry a novedad that cancels the cédula. */
export const cancelled = (s) => CANCELLED.includes(s);

/** tone is the badge's colour: waiting, good, a warning, or bad news. */
function tone(s) {
  if (inFlight(s)) return "wait";
  if (s === STATUS.ACTIVE) return "ok";
  return cancelled(s) ? "bad" : "warn";
}

/** statusInfo is a status's label, tone and meaning (a missing status reads as not checked yet). */
export function statusInfo(s) {
  const known = Object.hasOwn(LABELS, s || "");
  return { label: known ? LABELS[s] : UNKNOWN_LABEL, tone: known ? tone(s) : "wait", text: known ? MEANINGS[s] : UNKNOWN_MEANING };
}

/** placeLine is one line with where the person votes. */
export function placeLine(info) {
  if (!info || info.status !== STATUS.ACTIVE) return "";
  return [info.puesto, info.municipio, info.departamento].filter(Boolean).join(", ") + (info.mesa ? ` · mesa ${info.mesa}` : "");
}

/** errorWords explains a failed check to a person, not to an engineer. */
export const errorWords = (info) => (info && FAILURE_WORDS[info.status]) || "";
