// The policy texts in force (GET /api/policy): the short privacy notice and
// each authorisation exactly as the server hashes it, so what a person
// accepts is what was shown.
import { pb } from "./session.js";

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
