// The server's rules (hooks/person.go, cedula/, hooks/users_validate.go),
// mirrored so people see the same Spanish message before they submit.
// The server stays the authority: its per-field errors are shown too.

/** Each validator returns "" when valid, else the server's message. */

export function checkName(raw) {
  const name = String(raw || "").trim().split(/\s+/).filter(Boolean).join(" ");
  if (!name) return "Ingresa tu nombre completo.";
  const n = [...name].length;
  if (n < 3 || n > 120) return "El nombre debe tener entre 3 y 120 caracteres.";
  if (!/^[\p{L}\p{M}]+(?:[ '\-][\p{L}\p{M}]+)*$/u.test(name)) return "El nombre solo puede tener letras y espacios.";
  return "";
}

/** normalizeCedula returns the digits of a cédula typed with separators. */
export function normalizeCedula(raw) {
  return String(raw || "").trim().replace(/[.\s\u00a0,-]/g, "");
}

export function checkCedula(raw) {
  const s = String(raw || "").trim();
  if (!s) return "Ingresa tu número de cédula.";
  const digits = normalizeCedula(s);
  if (!/^[0-9]*$/.test(digits) || !digits) return "La cédula solo puede tener números (puedes usar puntos o espacios como separadores).";
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

/** The server counts bytes (bcrypt's limit), not characters. */
export function checkPassword(pw) {
  const n = new TextEncoder().encode(String(pw || "")).length;
  if (n < 8 || n > 71) return "La contraseña debe tener entre 8 y 71 caracteres.";
  return "";
}

export function checkConfirm(pw, confirm) {
  return String(pw || "") === String(confirm || "") ? "" : "Las contraseñas no coinciden.";
}

export function checkGoal(raw) {
  const s = String(raw ?? "").trim();
  if (!/^\d+$/.test(s) || Number(s) > 100000) return "La meta de referidos debe ser un número entero entre 0 y 100000.";
  return "";
}

export function checkPolicy(accepted) {
  return accepted ? "" : "Debes aceptar la política de tratamiento de datos personales para registrarte.";
}

// Input filters: drop characters the field can never hold, as they are typed.
export const filterCedula = (v) => v.replace(/[^0-9.\s]/g, "").slice(0, 16);
export const filterPhone = (v) => v.replace(/[^0-9+\s().-]/g, "").slice(0, 20);
export const filterName = (v) => v.replace(/[^\p{L}\p{M} '\-]/gu, "").slice(0, 160);
export const filterDigits = (v) => v.replace(/[^0-9]/g, "").slice(0, 6);
