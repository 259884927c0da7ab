// Inicio: greeting; for leaders their home first (tiles, goal against
// registered people and people who can vote, the worklist); the person's
// census status in one line; progress towards the goal; the sharing kit
// (copy, WhatsApp, share, QR as PNG, a printable card). All live.
import { h, replace } from "../dom.js";
import { title, badge, adminCard } from "../ui.js";
import { me, isSuperuser, isLeader } from "../session.js";
import { watchOwn } from "../own.js";
import { describe, placeLine, mapLink, showsPlace } from "../census.js";
import { firstName, formatNumber } from "../format.js";
import { referralLink, goalPercent } from "../referral.js";
import { shareCard } from "../share.js";
import { homeView } from "../worklist.js";
import { watchNetwork, refreshPerson, rows, mapAnchor } from "../leaders.js";
import { api, levelsList } from "../red.js";
import { subscribeTopic, onReconnect } from "../live.js";
import { diaDCard } from "../diadcard.js";

export default async function inicio(root) {
  if (isSuperuser()) {
    root.append(title("Hola, administrador"),
      adminCard("Las personas, los roles y las consultas se administran en el panel de administración."));
    return;
  }
  const user = me();
  const leader = isLeader();
  const heading = title(`Hola, ${firstName(user.name)}`);
  const census = h("section", { class: "card census-line", "aria-labelledby": "census-h" });
  const progress = h("section", { class: "card", "aria-labelledby": "goal-h" });
  const link = referralLink(user.referral_code);
  let count = null;
  let goal = user.referral_goal;

  function renderProgress() {
    if (count === null || leader) return;
    const pct = goalPercent(goal, count);
    replace(progress,
      h("h2", { id: "goal-h" }, "Tus referidos"),
      h("p", { class: "big", "data-testid": "ref-count" },
        h("strong", {}, formatNumber(count)), goal > 0 ? ` de ${formatNumber(goal)}` : ""),
      goal > 0 ? h("progress", { max: "100", value: String(pct), "aria-label": `Avance hacia tu meta: ${formatNumber(pct)} %` }) : null,
      h("p", {}, goal <= 0 ? ["No tienes una meta de referidos: ", h("a", { href: "/perfil" }, "fíjala en tu perfil"), "."]
        : pct === 100 ? "¡Meta cumplida! Puedes subirla en tu perfil." : `Te faltan ${formatNumber(goal - count)} para tu meta.`),
      h("p", {}, h("a", { href: "/referidos" }, "Ver mis referidos")));
  }

  const statusP = h("p", { class: "status-line", "aria-live": "polite", "data-testid": "own-status" });
  const mapP = h("p", {});
  census.append(h("h2", { id: "census-h" }, "Tu cédula"), statusP, mapP,
    h("p", {}, h("a", { href: "/perfil#censo" }, "Ver el detalle")));
  function renderCensus(info) {
    const d = describe(info);
    statusP.dataset.status = info?.status || "";
    replace(statusP, badge(info?.status, d), " ", showsPlace(info) ? placeLine(info) : d.text);
    const map = mapLink(info);
    replace(mapP, map ? mapAnchor(map) : null);
  }

  // The whole network below the person, per level, live.
  const network = h("section", { class: "card", "aria-labelledby": "red-h", "data-testid": "my-network" });
  async function loadNetwork() {
    try {
      const n = await api.node("me");
      replace(network, h("h2", { id: "red-h" }, "Tu red"),
        h("p", { class: "big" }, h("strong", { "data-testid": "network-count" }, formatNumber(n.subtree_count)),
          n.subtree_count === 1 ? " persona en total" : " personas en total"),
        n.subtree_count ? levelsList(n.levels) : h("p", {}, "Incluye a tus referidos y a quienes ellos inviten."),
        leader ? h("p", {}, h("a", { href: "/red" }, "Ver la red completa")) : null);
    } catch { network.hidden = true; }
  }

  root.classList.add("two-col");
  const stops = [await subscribeTopic("red", loadNetwork), await onReconnect(loadNetwork)];
  await loadNetwork();
  const diad = diaDCard(); // "Ya voté" while the current election is open
  stops.push(diad.stop);
  if (leader) {
    // A leader's home comes first: the tiles open Referidos filtered.
    const home = homeView({ onRefresh: refreshPerson, countTestId: "ref-count" });
    home.el.classList.add("wide");
    root.classList.add("leader");
    root.append(heading, diad.card, home.el, census, network, shareCard(link, user.referral_code, user.name));
    const net = await watchNetwork((st) => home.update(rows(st), { goal, leaderName: me()?.name, queue: st.queue }));
    stops.push(net.stop);
    const redraw = () => home.update(rows(net.st), { goal, leaderName: me()?.name, queue: net.st.queue });
    renderCensus(null);
    stops.push(await watchOwn({
      onInfo: renderCensus,
      onUser: (u) => { goal = u.referral_goal; heading.textContent = `Hola, ${firstName(u.name)}`; redraw(); },
    }));
  } else {
    root.append(heading, diad.card, census, progress, network, shareCard(link, user.referral_code, user.name));
    renderCensus(null);
    stops.push(await watchOwn({
      onInfo: renderCensus,
      onUser: (u) => { goal = u.referral_goal; heading.textContent = `Hola, ${firstName(u.name)}`; renderProgress(); },
      onReferidos: (n) => { count = n; renderProgress(); },
    }));
  }
  return () => stops.forEach((s) => s());
}
