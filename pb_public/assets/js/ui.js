// Shared pieces of the interface: form fields with their errors, toasts,
// the copy button, status badges, the administrator's card.
import { h, replace, debounce } from "./dom.js";
import { statusInfo } from "./census.js";
import { message, fieldErrors } from "./session.js";
import { checkPolicy } from "./validate.js";

let uid = 0;

/**
 * errorLine is a field's error line: set(msg) shows msg (text, or nodes
 * such as a message with links) under the field and marks the input
 * invalid for assistive technology; set("") clears both.
 */
function errorLine(id, input) {
  const el = h("p", { id, class: "field-error", hidden: true });
  const set = (msg) => {
    if (msg instanceof Node || Array.isArray(msg)) replace(el, msg);
    else el.textContent = msg || "";
    el.hidden = !msg;
    if (msg) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
  };
  return { el, set };
}

/**
 * field builds a labelled input with a hint and an error line wired by
 * aria-describedby. opts: label, name, type, hint, autocomplete, inputmode,
 * filter (drops characters as they are typed), check (returns a message).
 */
export function field(opts) {
  const id = `f-${opts.name}-${++uid}`;
  const errId = `${id}-err`;
  const hintId = `${id}-hint`;
  const input = h("input", {
    id, name: opts.name, type: opts.type || "text", autocomplete: opts.autocomplete || "off",
    inputmode: opts.inputmode, required: opts.required !== false, maxlength: opts.maxlength,
    value: opts.value ?? "", "aria-describedby": [opts.hint ? hintId : "", errId].filter(Boolean).join(" "),
    enterkeyhint: opts.enterkeyhint, spellcheck: opts.spellcheck,
  });
  const error = errorLine(errId, input);
  const wrap = h("div", { class: "field" },
    h("label", { for: id }, opts.label),
    opts.hint ? h("p", { id: hintId, class: "hint" }, opts.hint) : null,
    input, error.el);
  const f = {
    el: wrap, input, touched: false,
    // validated is the value last checked: leaving a field unchanged keeps
    // its error, the server's included (and the links in it clickable).
    validated: undefined,
    get value() { return input.value; },
    set value(v) { input.value = v; },
    setError: error.set,
    validate() {
      f.validated = input.value;
      const msg = opts.check ? opts.check(input.value) : "";
      f.setError(msg);
      return !msg;
    },
  };
  if (opts.filter) {
    input.addEventListener("input", () => {
      const v = opts.filter(input.value);
      if (v !== input.value) input.value = v;
    });
  }
  return f;
}

/** checkbox builds a labelled checkbox with an error line. */
export function checkbox(opts) {
  const id = `c-${opts.name}-${++uid}`;
  const errId = `${id}-err`;
  const input = h("input", { id, name: opts.name, type: "checkbox", checked: opts.checked, "aria-describedby": errId });
  const error = errorLine(errId, input);
  const wrap = h("div", { class: "field check" }, input, h("label", { for: id }, opts.label), error.el);
  return {
    el: wrap, input,
    get checked() { return input.checked; },
    setError: error.set,
  };
}

/**
 * showFieldErrors puts a failed request's per-field messages on the fields
 * named in byName ({serverField: field or checkbox}) and returns the first
 * of them in the form's order, to focus; the errors are returned too.
 */
export function showFieldErrors(err, byName) {
  const errors = fieldErrors(err);
  let first = null;
  for (const [name, f] of Object.entries(byName)) {
    if (!errors[name]) continue;
    f.setError(errors[name]);
    first = first || f;
  }
  return { first, errors };
}

/**
 * formAlert is a form's error paragraph, announced when it appears. An
 * alert shown with marks (it points at the fields marked in error) goes
 * once its form has none left: settle, after a live check, says so.
 */
export function formAlert() {
  const el = h("p", { class: "form-error", role: "alert", hidden: true });
  let marks = false;
  const show = (text, aboutMarks = false) => { el.textContent = text; el.hidden = false; marks = aboutMarks; };
  const clear = () => { el.hidden = true; marks = false; };
  const settle = () => { if (marks && !el.closest("form")?.querySelector('[aria-invalid="true"]')) clear(); };
  // fail shows what to tell a person about a failed request.
  return { el, show, fail: (err, fallback, aboutMarks = false) => show(message(err, fallback), aboutMarks), clear, settle };
}

/** toast shows a short message in the polite live region. */
export function toast(text, tone = "info", ms = 6000) {
  const box = document.getElementById("toasts");
  if (!box) return;
  const t = h("div", { class: `toast ${tone}` }, text);
  box.appendChild(t);
  setTimeout(() => t.remove(), ms);
}

/** copyButton copies text() and says so. */
export function copyButton(text, label = "Copiar enlace") {
  const btn = h("button", { type: "button", class: "btn secondary" }, label);
  btn.addEventListener("click", async () => {
    const value = text();
    try {
      await navigator.clipboard.writeText(value);
      toast("Enlace copiado.", "ok", 3000);
    } catch {
      // No clipboard permission (plain http, old browser): select it for the person to copy.
      const area = h("textarea", { class: "visually-hidden", "aria-hidden": "true" });
      area.value = value;
      document.body.appendChild(area);
      area.select();
      const ok = document.execCommand && document.execCommand("copy");
      area.remove();
      toast(ok ? "Enlace copiado." : "No pudimos copiar: mantén presionado el enlace para copiarlo.", ok ? "ok" : "warn", 4000);
    }
  });
  return btn;
}

/** badge is a status pill with its Spanish label; d (census.describe's) gives the words that fit the record. */
export function badge(status, d) {
  const info = d || statusInfo(status);
  const attrs = { class: `badge ${info.tone}`, "data-status": status || "" };
  if (!info.short) return h("span", attrs, info.label);
  // Two wordings of one fact: where room is short (a phone's row, app.css)
  // the short one shows and the whole one stays for screen readers and as
  // the title; elsewhere the whole one shows.
  return h("span", { ...attrs, title: info.label },
    h("span", { class: "badge-long" }, info.label), h("span", { class: "badge-short", "aria-hidden": "true" }, info.short));
}

/** facts is a definition list of [term, value] pairs; empty values are left out. */
export function facts(pairs) {
  return h("dl", { class: "facts" }, pairs.filter(([, v]) => v).map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]));
}

/**
 * adminCard tells an administrator that this page's work is done in the
 * dashboard, and opens it where that work is (path, e.g. the users
 * collection); the dashboard shares this origin's session.
 */
export function adminCard(text, path = "") {
  return h("div", { class: "card" },
    h("p", {}, text),
    h("p", {}, h("a", { href: `/_/${path}`, class: "btn primary" }, "Abrir el panel de administración")));
}

/** title is the page's h1, focused after navigation. */
export function title(text) {
  document.title = `${text} · ${document.documentElement.dataset.brand || "Padrón"}`;
  return h("h1", { tabindex: "-1", id: "page-title" }, text);
}

/** submitting disables a form's button while a request runs. */
export async function busy(button, label, fn) {
  const before = button.textContent;
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  button.textContent = label;
  try {
    return await fn();
  } finally {
    button.disabled = false;
    button.removeAttribute("aria-busy");
    button.textContent = before;
  }
}

/**
 * liveValidation checks each field of a person's form a while after typing
 * and when it is left with a changed value, re-checks the confirmation with
 * the password and clears the policy's error once it is ticked; formError's
 * "Revisa los datos marcados" goes with the last mark. It returns the
 * pending checks: a submit validates at once and cancels them, so a late
 * check cannot clear the server's answer.
 */
export function liveValidation(fields, policy, formError) {
  const pending = [];
  const check = (f) => { f.validate(); formError?.settle(); };
  for (const f of Object.values(fields)) {
    const later = debounce(() => { if (f.touched) check(f); }, 400);
    pending.push(later);
    f.input.addEventListener("input", () => { if (f.value) f.touched = true; later(); });
    f.input.addEventListener("blur", () => { if (f.value && f.value !== f.validated) { f.touched = true; check(f); } });
  }
  fields.password.input.addEventListener("input", () => {
    if (fields.passwordConfirm.touched) check(fields.passwordConfirm);
  });
  policy.input.addEventListener("change", () => { if (policy.checked) policy.setError(""); formError?.settle(); });
  return pending;
}

/**
 * validateNow is a submit's check of a person's form: it cancels the
 * pending live checks, validates every field and the policy (its message
 * worded for form, "registro" or "reclamo"), and on a problem focuses the
 * first one and says so; true when the form may go.
 */
export function validateNow(fields, policy, pending, formError, form = "registro") {
  pending.forEach((later) => later.cancel());
  formError.clear();
  const bad = Object.values(fields).filter((f) => !f.validate());
  const policyMsg = checkPolicy(policy.checked, form);
  policy.setError(policyMsg);
  if (bad.length || policyMsg) {
    (bad[0]?.input || policy.input).focus();
    formError.show("Revisa los datos marcados e inténtalo de nuevo.", true);
    return false;
  }
  return true;
}
