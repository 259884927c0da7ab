// Dates and numbers as people in Colombia read them.

const tz = "America/Bogota";
const dateFmt = new Intl.DateTimeFormat("es-CO", { timeZone: tz, day: "numeric", month: "short", year: "numeric" });
const dateTimeFmt = new Intl.DateTimeFormat("es-CO", {
  timeZone: tz, day: "numeric", month: "short", year: "numeric", hour: "numeric", minute: "2-digit",
});
const numFmt = new Intl.NumberFormat("es-CO");
const rel = new Intl.RelativeTimeFormat("es", { numeric: "auto" });

/** parseDate reads PocketBase's "2026-03-01 12:00:00.000Z". */
export function parseDate(s) {
  if (!s) return null;
  const d = new Date(String(s).replace(" ", "T"));
  return isNaN(d) ? null : d;
}

export const formatDate = (s) => { const d = parseDate(s); return d ? dateFmt.format(d) : ""; };
const longDateFmt = new Intl.DateTimeFormat("es-CO", { timeZone: tz, day: "numeric", month: "long", year: "numeric" });
/** formatLongDate says "8 de marzo de 2026", for dates in running text. */
export const formatLongDate = (s) => { const d = parseDate(s); return d ? longDateFmt.format(d) : ""; };
export const formatDateTime = (s) => { const d = parseDate(s); return d ? dateTimeFmt.format(d) : ""; };
export const formatNumber = (n) => numFmt.format(n);

/** ago says "hace 5 minutos" for a past date. */
export function ago(s, now = Date.now()) {
  const d = parseDate(s);
  if (!d) return "";
  const secs = Math.round((d.getTime() - now) / 1000);
  const abs = Math.abs(secs);
  if (abs < 45) return "hace un momento";
  if (abs < 3600) return rel.format(Math.round(secs / 60), "minute");
  if (abs < 86400) return rel.format(Math.round(secs / 3600), "hour");
  if (abs < 86400 * 30) return rel.format(Math.round(secs / 86400), "day");
  return "el " + formatDate(s);
}

/** formatCedula groups a cédula's digits with dots, as on the document. */
export function formatCedula(c) {
  return String(c || "").replace(/\B(?=(\d{3})+(?!\d))/g, ".");
}

/** formatPhone shows 3001234567 as 300 123 4567. */
export function formatPhone(p) {
  const s = String(p || "");
  return s.length === 10 ? `${s.slice(0, 3)} ${s.slice(3, 6)} ${s.slice(6)}` : s;
}

/** firstName is the first word of a full name. */
export const firstName = (name) => String(name || "").trim().split(/\s+/)[0] || "";
