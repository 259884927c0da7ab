// A person's referral network as every page tells it: the invitation
// link, how many registered with it, and how far that is towards the goal.
import { h } from "./dom.js";
import { copyButton } from "./ui.js";
import { formatNumber } from "./format.js";

/** referralLink is the short link a person shares to invite others. */
export function referralLink(code) {
  return `${location.origin}/r/${code}`;
}

/** countSentence says how many people registered with the person's link. */
export function countSentence(n) {
  return n === 1 ? "1 persona se registró con tu enlace." : `${formatNumber(n)} personas se registraron con tu enlace.`;
}

/**
 * goalPercent is count towards goal in percent, rounded down to a tenth and
 * capped at 100 (so 100 means the goal is met); 100 without a goal. It is
 * the server's rule (GET /api/referidos/stats, goal.percent): a webtest
 * compares the two on the running server.
 */
export function goalPercent(goal, count) {
  if (goal <= 0) return 100;
  return Math.min(100, Math.floor((count * 1000) / goal) / 10);
}

/** noReferidos is the card shown before anyone used the person's link. */
export function noReferidos(code) {
  const link = referralLink(code);
  return h("div", { class: "card empty" },
    h("p", {}, "Aún no tienes referidos. Comparte tu enlace para invitar a otras personas:"),
    h("p", { class: "link-box" }, h("a", { href: link }, link)),
    h("div", { class: "actions" }, copyButton(() => link)));
}
