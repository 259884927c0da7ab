// Referidos. Everyone sees the people they referred (name and registration
// date, through the `referidos` view). Leaders also see the census columns,
// filters, sorting, per-row and bulk refresh, the CSV export and the stats
// by municipio and puesto (leaders.js); rows update live.
import { h, replace } from "../dom.js";
import { title, toast, adminCard } from "../ui.js";
import { pb, me, isLeader, isSuperuser, message } from "../session.js";
import { onReconnect, subscribe } from "../live.js";
import { formatDate } from "../format.js";
import { countSentence, noReferidos } from "../referral.js";
import { leaderView } from "../leaders.js";

export default async function referidos(root, { params } = {}) {
  if (isSuperuser()) {
    root.append(title("Referidos"), adminCard("Como administrador ves a todas las personas, con quién las invitó y su consulta, en el panel de administración.",
      "#/collections?collection=users"));
    return;
  }
  return isLeader() ? leaderView(root, { params }) : memberView(root);
}

async function memberView(root) {
  const { id, referral_code: code } = me();
  const count = h("p", { class: "lead", "aria-live": "polite", "data-testid": "ref-count" });
  const list = h("div", { "data-testid": "referidos-list" });
  root.append(title("Mis referidos"), count, list);

  async function load() {
    let rows;
    try {
      rows = await pb.collection("referidos").getFullList({ filter: pb.filter("referred_by = {:id}", { id }), sort: "-created", fields: "id,name,created" });
    } catch (err) { toast(message(err), "warn"); return; }
    count.textContent = countSentence(rows.length);
    if (!rows.length) { replace(list, noReferidos(code)); return; }
    replace(list, h("ul", { class: "card plain-list" }, rows.map((r) =>
      h("li", { "data-id": r.id }, h("span", { class: "name" }, r.name),
        h("span", { class: "hint" }, `Registro: ${formatDate(r.created)}`)))));
  }
  const offs = [await subscribe("referidos", "*", load), await onReconnect(load)];
  await load();
  return () => offs.forEach((o) => o());
}
