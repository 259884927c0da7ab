// What each census status means to a person, in one plain sentence.

export const STATUS = {
  pending: {
    label: "En cola", tone: "wait",
    text: "Tu cédula está en la fila para consultarse en la Registraduría. No tienes que hacer nada.",
  },
  processing: {
    label: "Consultando", tone: "wait",
    text: "Estamos consultando tu cédula en la Registraduría en este momento.",
  },
  active: {
    label: "Habilitada", tone: "ok",
    text: "Tu cédula está habilitada para votar. Este es tu lugar de votación.",
  },
  not_found: {
    label: "No aparece en el censo", tone: "warn",
    text: "La Registraduría no encontró esta cédula en el censo electoral. Revisa el número en tu perfil; si está bien, inscríbela en la Registraduría.",
  },
  cancelled_deceased: {
    label: "Cancelada por muerte", tone: "bad",
    text: "La Registraduría reporta esta cédula como cancelada por muerte. Si es un error, acude a la Registraduría con tu documento.",
  },
  cancelled_other: {
    label: "Cancelada", tone: "bad",
    text: "La Registraduría reporta una novedad que cancela esta cédula. Acude a la Registraduría con la resolución que aparece abajo.",
  },
  error: {
    label: "Error al consultar", tone: "warn",
    text: "No pudimos completar la consulta. Pide una nueva consulta más tarde.",
  },
  timeout: {
    label: "Sin respuesta", tone: "warn",
    text: "La Registraduría no respondió a tiempo. Pide una nueva consulta en unos minutos.",
  },
  blocked: {
    label: "Consulta bloqueada", tone: "warn",
    text: "La Registraduría está limitando las consultas. Pide una nueva consulta más tarde.",
  },
};

/** The leaders' filter tabs, each a set of statuses. */
export const GROUPS = [
  { id: "todos", label: "Todos", statuses: null },
  { id: "lugar", label: "Con lugar de votación", statuses: ["active"] },
  { id: "proceso", label: "En proceso", statuses: ["pending", "processing"] },
  { id: "novedad", label: "Con novedad", statuses: ["not_found", "cancelled_deceased", "cancelled_other"] },
  { id: "problemas", label: "Con problemas", statuses: ["error", "timeout", "blocked"] },
];

export const statusInfo = (s) => STATUS[s] || { label: "Sin consultar", tone: "wait", text: "Aún no hay datos de la Registraduría." };

/** inFlight statuses are being answered right now. */
export const inFlight = (s) => s === "pending" || s === "processing";

/** place is one line with where the person votes. */
export function placeLine(info) {
  if (!info || info.status !== "active") return "";
  return [info.puesto, info.municipio, info.departamento].filter(Boolean).join(", ") + (info.mesa ? ` · mesa ${info.mesa}` : "");
}

/** errorWords explains a failed check to a person, not to an engineer. */
export function errorWords(info) {
  if (!info) return "";
  switch (info.status) {
    case "timeout": return "La página de la Registraduría tardó demasiado en responder.";
    case "blocked": return "La Registraduría bloqueó temporalmente las consultas automáticas.";
    case "error": return "La consulta falló por un problema técnico; un administrador puede ver el detalle.";
    default: return "";
  }
}

/** newer says whether record a is at least as recent as b, by updated. */
export function newer(a, b) {
  if (!b) return true;
  return String(a.updated || "") >= String(b.updated || "");
}
