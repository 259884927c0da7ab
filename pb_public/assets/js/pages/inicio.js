// Inicio: greeting, the referral link (copy, share, QR), progress towards
// the goal, and the person's census status in one line. All live.
import { h, replace } from "../dom.js";
import { title, copyButton, badge, adminCard } from "../ui.js";
import { me, isSuperuser } from "../session.js";
import { watchOwn } from "../own.js";
import { statusInfo, placeLine, STATUS } from "../census.js";
import { firstName, formatNumber } from "../format.js";
import { referralLink, goalPercent } from "../referral.js";
import { qrCode } from "../qr.js";
import { diaDCard } from "../diadcard.js";

export default async function inicio(root) {
  if (isSuperuser()) {
    root.append(title("Hola, administrador"),
      adminCard("Las personas, los roles y las consultas se administran en el panel de administración."));
    return;
  }
  const user = me();
  const heading = title(`Hola, ${firstName(user.name)}`);
  const census = h("section", { class: "card census-line", "aria-labelledby": "census-h" });
  const progress = h("section", { class: "card", "aria-labelledby": "goal-h" });
  const link = referralLink(user.referral_code);
  let count = null;
  let goal = user.referral_goal;

  const share = h("section", { class: "card share tall", "aria-labelledby": "share-h" },
    h("h2", { id: "share-h" }, "Tu enlace de invitación"),
    h("p", {}, "Compártelo: quien se registre con él quedará como tu referido."),
    h("p", { class: "link-box" }, h("a", { href: link, class: "ref-link", "data-testid": "ref-link" }, link)),
    h("div", { class: "actions" },
      copyButton(() => link),
      navigator.share ? h("button", {
        type: "button", class: "btn secondary",
        onClick: () => navigator.share({ title: "Padrón", text: "Regístrate con mi enlace", url: link }).catch(() => {}),
      }, "Compartir") : null),
    h("figure", { class: "qr-box" }, qrCode(link, `Código QR de tu enlace de invitación ${link}`),
      h("figcaption", {}, "Muestra este código para que lo escaneen con la cámara.")),
  );

  function renderProgress() {
    if (count === null) return;
    const pct = goalPercent(goal, count);
    const done = pct === 100;
    replace(progress,
      h("h2", { id: "goal-h" }, "Tus referidos"),
      h("p", { class: "big", "data-testid": "ref-count" },
        h("strong", {}, formatNumber(count)), goal > 0 ? ` de ${formatNumber(goal)}` : ""),
      h("progress", { max: "100", value: String(pct), "aria-label": `Avance hacia tu meta: ${formatNumber(pct)} %` }),
      h("p", {}, done ? "¡Meta cumplida! Puedes subirla en tu perfil." : `Te faltan ${formatNumber(goal - count)} para tu meta.`),
      h("p", {}, h("a", { href: "/referidos" }, "Ver mis referidos")));
  }

  const statusP = h("p", { class: "status-line", "aria-live": "polite", "data-testid": "own-status" });
  census.append(h("h2", { id: "census-h" }, "Tu cédula"), statusP,
    h("p", {}, h("a", { href: "/perfil#censo" }, "Ver el detalle")));
  function renderCensus(info) {
    const s = info?.status;
    statusP.dataset.status = s || "";
    replace(statusP, badge(s), " ", s === STATUS.ACTIVE ? placeLine(info) : statusInfo(s).text);
  }

  root.classList.add("two-col");
  const diad = diaDCard();
  root.append(heading, diad.card, census, progress, share);
  renderCensus(null);
  const stopOwn = await watchOwn({
    onInfo: renderCensus,
    onUser: (u) => { goal = u.referral_goal; heading.textContent = `Hola, ${firstName(u.name)}`; renderProgress(); },
    onReferidos: (n) => { count = n; renderProgress(); },
  });
  return () => { diad.stop(); if (typeof stopOwn === "function") stopOwn(); };
}
