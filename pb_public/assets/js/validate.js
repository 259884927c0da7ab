// The server's rules (hooks/person.go, cedula/, hooks/users_validate.go),
// mirrored so people see the same Spanish message before they submit.
// The server stays the authority: its per-field errors are shown too.

/** Each validator returns "" when valid, else the server's message. */

const invisible = /[\p{Cf}\p{Default_Ignorable_Code_Point}\p{Variation_Selector}]/u;
const SCRIPTS = ["Latin", "Cyrillic", "Greek", "Armenian", "Georgian", "Arabic", "Hebrew", "Devanagari", "Bengali",
  "Tamil", "Thai", "Ethiopic", "Han", "Hiragana", "Katakana", "Hangul", "Bopomofo"].map((s) => [s, new RegExp(`\\p{Script=${s}}`, "u")]);
const scriptOf = (ch) => {
  for (const [name, re] of SCRIPTS) if (re.test(ch)) return name;
  return /[\p{Script=Common}\p{Script=Inherited}]/u.test(ch) ? "" : "Other";
};
const WRITING_SYSTEMS = [["Han", "Hiragana", "Katakana"], ["Han", "Hangul"], ["Han", "Bopomofo"]];

/** normalizeName is the spelling the server stores. */
export function normalizeName(raw) {
  return String(raw || "").normalize("NFKC").replaceAll("\u2019", "'").trim().split(/\s+/).filter(Boolean).join(" ");
}

export function checkName(raw) {
  const name = normalizeName(raw);
  const lengthMsg = "El nombre debe tener al menos 3 letras y como máximo 120 caracteres.";
  const charsMsg = "El nombre solo puede tener letras y espacios.";
  if (!name) return "Ingresa tu nombre completo.";
  if ([...name].length > 120) return lengthMsg;
  let letters = 0;
  let marks = 0;
  let prevLetter = false;
  const scripts = new Set();
  for (const ch of name) {
    if (invisible.test(ch)) return charsMsg;
    if (/\p{L}/u.test(ch)) {
      prevLetter = true;
      marks = [...ch.normalize("NFD")].length - 1; // a precomposed letter carries its accents
      const s = scriptOf(ch);
      if (s) { letters++; scripts.add(s); }
    } else if (/\p{M}/u.test(ch) && prevLetter) {
      if (++marks > 2) return charsMsg;
    } else if ((ch === " " || ch === "'" || ch === "-") && prevLetter) {
      prevLetter = false;
    } else {
      return charsMsg;
    }
  }
  if (!prevLetter) return charsMsg;
  if (letters < 3) return lengthMsg;
  if (scripts.size > 1 && !WRITING_SYSTEMS.some((set) => [...scripts].every((s) => set.includes(s)))) {
    return "Escribe tu nombre con un solo alfabeto, sin mezclar letras de alfabetos distintos (por ejemplo, latinas y cirílicas).";
  }
  return "";
}

/** normalizeCedula returns the digits of a cédula typed with dots or spaces. */
export function normalizeCedula(raw) {
  return String(raw || "").trim().replace(/[.\s\u00a0]/g, "");
}

const notDigits = "La cédula solo puede tener números (puedes usar puntos o espacios como separadores).";

export function checkCedula(raw) {
  const s = String(raw || "").trim();
  if (!s) return "Ingresa tu número de cédula.";
  // Spaces anywhere, a dot only right after a digit and never last.
  let prevDigit = false;
  for (const ch of s) {
    if (ch >= "0" && ch <= "9") prevDigit = true;
    else if (ch === "." && prevDigit) prevDigit = false;
    else if (ch === " " || ch === "\u00a0") continue;
    else return notDigits;
  }
  if (s.endsWith(".")) return notDigits;
  const digits = normalizeCedula(s);
  if (!digits) return notDigits;
  if (digits.length < 3) return "La cédula debe tener al menos 3 dígitos.";
  if (digits.length > 10) return "La cédula debe tener como máximo 10 dígitos.";
  if (digits[0] === "0") return "La cédula no puede empezar por cero.";
  return "";
}

const phoneMsg = "Ingresa un celular colombiano de 10 dígitos que empiece por 3, por ejemplo 300 123 4567.";

export function checkPhone(raw) {
  const s = String(raw || "").trim();
  let digits = "";
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c >= "0" && c <= "9") digits += c;
    else if (c === "+" && i === 0) continue;
    else if (" -.()\u00a0".includes(c)) continue;
    else return phoneMsg;
  }
  if (digits.length === 12 && digits.startsWith("57")) digits = digits.slice(2);
  if (digits.length !== 10 || digits[0] !== "3") return phoneMsg;
  return "";
}

/**
 * As the server counts: at least 8 characters, at most 72 bytes (bcrypt's
 * limit; a letter with a tilde takes two).
 */
export function checkPassword(pw) {
  const s = String(pw || "");
  if ([...s].length < 8) return "La contraseña debe tener al menos 8 caracteres.";
  if (new TextEncoder().encode(s).length > 72) {
    return "La contraseña puede tener hasta 72 bytes: cada letra sin tilde cuenta uno y las letras con tilde cuentan doble (ñ, á).";
  }
  return "";
}

/** PASSWORD_HINT says checkPassword's rule before anyone types: 8 characters to 72 bytes. */
export const PASSWORD_HINT = "Mínimo 8 caracteres y máximo 72 bytes (las letras con tilde cuentan doble).";

export function checkConfirm(pw, confirm) {
  return String(pw || "") === String(confirm || "") ? "" : "Las contraseñas no coinciden.";
}

export function checkGoal(raw) {
  const s = String(raw ?? "").trim();
  if (!/^\d+$/.test(s) || Number(s) > 100000) return "La meta de referidos debe ser un número entero entre 0 y 100000.";
  return "";
}

/**
 * POLICY_REQUIRED is the policy's error on each form that asks for it, as
 * the server says it (hooks errPolicyRequired, errClaimPolicyRequired).
 */
export const POLICY_REQUIRED = {
  registro: "Debes aceptar la política de tratamiento de datos personales para registrarte.",
  reclamo: "Debes aceptar la política de tratamiento de datos personales para enviar tu reporte.",
};

/** checkPolicy is the policy's error on form ("registro" or "reclamo"). */
export function checkPolicy(accepted, form = "registro") {
  return accepted ? "" : POLICY_REQUIRED[form];
}

// Input filters: drop characters the field can never hold, as they are typed.
export const filterCedula = (v) => v.replace(/[^0-9.\s]/g, "").slice(0, 16);
export const filterPhone = (v) => v.replace(/[^0-9+\s().-]/g, "").slice(0, 20);
export const filterName = (v) => v.replace(/[^\p{L}\p{M} '\u2019\-]/gu, "").slice(0, 160);
export const filterDigits = (v) => v.replace(/[^0-9]/g, "").slice(0, 6);
