// The census statuses as the app shows them. The words and the sets come
// from the server (census-vocab.js, generated from package census); this
// module only decides how they look and which words fit whom.
import {
  STATUS, IN_FLIGHT, ANSWERS, FAILED, CANCELLED, LABELS, UNKNOWN_LABEL, MEANINGS, UNKNOWN_MEANING, FAILURE_WORDS,
  LEADER_MEANINGS, NEXT_STEPS, NOVEDAD_WORDS, NOVEDAD_RULES, PLACE_NAMES,
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

/** ACTION is every status whose check needs something from the leader (the worklist). */
export const ACTION = [...ANSWERS.filter((s) => s !== STATUS.ACTIVE), ...FAILED];

/** inFlight statuses are being answered right now. */
export const inFlight = (s) => IN_FLIGHT.includes(s);

/** cancelled statuses carry a novedad that cancels the cédula. */
export const cancelled = (s) => CANCELLED.includes(s);

/** failed statuses are checks that ended without the registrar's answer. */
export const failed = (s) => FAILED.includes(s);

/** fold is census.NormalizeKey: lower case, no accents, other runs one space. */
export function fold(s) {
  return String(s || "").normalize("NFD").replace(/\p{Mn}/gu, "").toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ").trim();
}

/** novedadGroup is census.NovedadGroup: what a novedad means, "" when unknown. */
export function novedadGroup(novedad) {
  const key = fold(novedad);
  for (const [prefix, group] of NOVEDAD_RULES) if (key.startsWith(prefix)) return group;
  return "";
}

/** tone is the badge's colour: waiting, good, a warning, or bad news. */
function tone(s, group) {
  if (inFlight(s)) return "wait";
  if (s === STATUS.ACTIVE) return "ok";
  if (s === STATUS.CANCELLED_OTHER && group && group !== "cancelled") return group === "pending" ? "wait" : "warn";
  return cancelled(s) ? "bad" : "warn";
}

/** statusInfo is a status's label, tone and meaning for the person whose cédula it is. */
export function statusInfo(s) {
  const known = Object.hasOwn(LABELS, s || "");
  return { label: known ? LABELS[s] : UNKNOWN_LABEL, tone: known ? tone(s) : "wait", text: known ? MEANINGS[s] : UNKNOWN_MEANING };
}

/** lastAnswer is the registrar's last answer a record still carries while a new check runs or after it failed. */
function lastAnswer(info) {
  if (!info || !info.fetched_at) return "";
  if (info.puesto || info.mesa) return STATUS.ACTIVE;
  if (info.novedad) return STATUS.CANCELLED_OTHER;
  return "";
}

/**
 * describe is a record as one audience reads it: the member ("tú") or a
 * leader (third person, with the next step). It reads the novedad's group,
 * and while a re-check runs it keeps the last answer ("Habilitada ·
 * verificando de nuevo").
 */
export function describe(info, { leader = false } = {}) {
  const s = info?.status || "";
  const known = Object.hasOwn(LABELS, s);
  const group = info?.novedad ? novedadGroup(info.novedad) : "";
  const words = group ? NOVEDAD_WORDS[group] : null;
  const out = {
    status: s, group,
    label: known ? LABELS[s] : UNKNOWN_LABEL,
    tone: known ? tone(s, group) : "wait",
    text: known ? (leader ? LEADER_MEANINGS[s] : MEANINGS[s]) : UNKNOWN_MEANING,
    rechecking: false,
  };
  if (!leader && failed(s)) {
    // A member is not told how a check failed: getting the answer is our job.
    out.label = "En verificación";
    out.tone = "wait";
  }
  if (s === STATUS.CANCELLED_OTHER && words) {
    out.label = words.label;
    out.text = leader ? words.leader : words.member;
  }
  const last = inFlight(s) ? lastAnswer(info) : "";
  if (last) {
    const prev = describe({ ...info, status: last }, { leader });
    out.label = `${prev.label} · verificando de nuevo`;
    // A phone's row has room for the answer and a refresh sign, not the
    // sentence: the badge is never cut (ui.js badge keeps the whole one).
    out.short = `${prev.label} ↻`;
    out.tone = prev.tone;
    out.text = `${prev.text} Estamos verificando de nuevo; esta respuesta sigue vigente hasta que llegue la nueva.`;
    out.rechecking = true;
    out.group = prev.group;
  }
  return out;
}

/** showsPlace says whether the record's polling place is the one to show (now, or while a re-check runs). */
export const showsPlace = (info) => !!info && (info.status === STATUS.ACTIVE || (inFlight(info.status) && lastAnswer(info) === STATUS.ACTIVE));

/** SMALL words stay lower case inside a place's name. */
const SMALL = new Set(["de", "del", "la", "las", "los", "y", "el", "en"]);

/**
 * placeName is a departamento or municipio as people write it (puestos keep
 * the registrar's spelling: their acronyms, "IE", "INST", would not survive); "BOGOTA. D.C." reads "Bogotá D.C." (census.PlaceName), else title case.
 */
export function placeName(raw) {
  const s = String(raw || "").trim();
  if (!s) return "";
  const known = PLACE_NAMES[fold(s)];
  if (known) return known;
  return s.toLocaleLowerCase("es").replace(/[\p{L}\p{N}][\p{L}\p{N}.]*/gu, (w, at) =>
    (at > 0 && SMALL.has(w) ? w : w.charAt(0).toLocaleUpperCase("es") + w.slice(1)));
}

/** placeLine is one line with where the person votes. */
export function placeLine(info) {
  if (!showsPlace(info)) return "";
  const mun = placeName(info.municipio);
  const dep = placeName(info.departamento);
  return [info.puesto, mun, dep !== mun ? dep : ""].filter(Boolean).join(", ") +
    (info.mesa ? ` · mesa ${info.mesa}` : "");
}

/** placeShort is "puesto · municipio", the list's second line. */
export function placeShort(info) {
  if (!showsPlace(info)) return "";
  return [info.puesto, placeName(info.municipio)].filter(Boolean).join(" · ") + (info.mesa ? ` · mesa ${info.mesa}` : "");
}

/** mapLink is a plain link that opens the phone's map app on the puesto's address ("" without one). */
export function mapLink(info) {
  if (!showsPlace(info) || !(info.direccion || info.puesto)) return "";
  const q = [info.direccion || info.puesto, placeName(info.municipio), placeName(info.departamento), "Colombia"].filter(Boolean).join(", ");
  return `https://www.google.com/maps/search/?api=1&query=${encodeURIComponent(q)}`;
}

/** errorWords explains a failed check to a leader or an administrator (members read describe's text). */
export const errorWords = (info) => (info && FAILURE_WORDS[info.status]) || "";

/**
 * failureDetail is what a leader reads about a failed check: the server's
 * specific message (census.Message, Spanish) when the record has one,
 * else errorWords; an engineer's detail ("class: ...") is not shown.
 */
export function failureDetail(info) {
  if (!failed(info?.status)) return "";
  const msg = info.error_message && !/^[a-z_]+:/.test(info.error_message) ? info.error_message : "";
  return msg || errorWords(info);
}

/** nextStep is the leader's worklist line about one person ("" when nothing is asked of the leader). */
export function nextStep(info, firstName) {
  const s = info?.status;
  const group = s === STATUS.CANCELLED_OTHER ? novedadGroup(info?.novedad) : "";
  const tpl = (group && NOVEDAD_WORDS[group]?.next) || NEXT_STEPS[s] || "";
  return tpl.replaceAll("{nombre}", firstName);
}
