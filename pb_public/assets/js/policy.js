// The policy texts in force (GET /api/policy): the short privacy notice and
// each authorisation exactly as the server hashes it, so what a person
// accepts is what was shown.
import { pb } from "./session.js";
import { h } from "./dom.js";
import { checkbox } from "./ui.js";

/** policyTexts resolves to {version, controller, notice, processing, messaging}. */
export function policyTexts() {
  return pb.send("/api/policy", { method: "GET", requestKey: null });
}

/** consentState resolves to the person's consents (GET /api/me/consents). */
export function consentState() {
  return pb.send("/api/me/consents", { method: "GET", requestKey: null });
}

/** setConsent gives or withdraws one authorisation; text is the shown one. */
export function setConsent(purpose, granted, text) {
  return pb.send("/api/me/consents", {
    method: "POST", body: { purpose, granted, text_sha256: text?.sha256 || "" }, requestKey: null,
  });
}

/**
 * consentFields are a form's habeas data part, the same on Registro and
 * Reclamo: the short privacy notice, the link to the policy and the two
 * authorisations (processing, required; WhatsApp or SMS, optional and off),
 * each labelled with the exact text the server hashes and records. body()
 * is what the person authorised with the hashes of the texts shown;
 * errorFields maps the server's error keys to the checkboxes.
 */
export function consentFields() {
  const notice = h("p", { class: "notice", "data-testid": "privacy-notice" }, "Cargando el aviso de privacidad…");
  const policy = checkbox({ name: "data_policy_accepted", label: "Acepto la política de tratamiento de datos personales." });
  const contact = checkbox({ name: "contact_consent", label: "Autorizo que me contacten por WhatsApp o SMS (opcional)." });
  let texts = null;
  policyTexts().then((t) => {
    texts = t;
    notice.textContent = t.notice;
    policy.el.querySelector("label").textContent = t.processing.text;
    contact.el.querySelector("label").textContent = t.messaging.text;
  }).catch(() => {
    notice.textContent = "No pudimos cargar el aviso de privacidad; puedes leer la política completa en el enlace.";
  });
  const el = h("fieldset", { class: "consents" },
    h("legend", {}, "Tus datos personales"),
    notice,
    h("p", {}, h("a", { href: "/politica-de-datos", target: "_blank" }, "Leer la política de tratamiento de datos personales")),
    policy.el, contact.el);
  return {
    el, policy, contact,
    body() {
      const b = { data_policy_accepted: policy.checked, contact_consent: contact.checked };
      if (texts) {
        b.data_policy_sha256 = texts.processing.sha256;
        if (contact.checked) b.contact_consent_sha256 = texts.messaging.sha256;
      }
      return b;
    },
    errorFields: {
      data_policy_accepted: policy, data_policy_sha256: policy, contact_consent: contact, contact_consent_sha256: contact,
    },
  };
}
