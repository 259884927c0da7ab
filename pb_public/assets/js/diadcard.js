// The election-day card of /inicio: during the open hours a member says
// "Ya voté" (kept in the outbox when offline), and a testigo finds their page.
import { h, replace } from "./dom.js";
import { toast } from "./ui.js";
import { pb, message } from "./session.js";
import { currentElection, isOpen, hourLabel, queueMark, onOutbox, onSent } from "./diad.js";

/** diaDCard returns the card (empty and hidden when there is no election) and a stop. */
export function diaDCard() {
  const card = h("section", { class: "card", "aria-labelledby": "diad-h", hidden: true, "data-testid": "diad-card" });
  const stops = [];
  (async () => {
    const election = await currentElection().catch(() => null);
    if (!election) return;
    const me = pb.authStore.record;
    const [mine, testigo] = await Promise.all([
      pb.collection("vote_marks").getList(1, 1, { filter: `user = "${me.id}" && election = "${election.id}" && status = "live"` }).catch(() => ({ items: [] })),
      pb.collection("testigos").getList(1, 1, { filter: `user = "${me.id}" && election = "${election.id}" && status = "live"` }).catch(() => ({ items: [] })),
    ]);
    let voted = mine.items[0] || null;
    let queued = false;
    const draw = () => {
      const open = isOpen(election);
      if (!open && !voted && !testigo.items.length && !queued) { card.hidden = true; return; }
      card.hidden = false;
      replace(card, h("h2", { id: "diad-h" }, election.name),
        voted ? h("p", { "data-testid": "ya-vote-done" }, h("span", { class: "badge ok" }, "Votaste"), ` Registrado a las ${hourLabel(voted.marked_at)}. ¡Gracias!`)
          : queued ? h("p", {}, h("span", { class: "badge wait" }, "Pendiente de enviar"), " Tu voto se registrará al volver la conexión.")
            : open ? [h("p", {}, `La votación está abierta hasta las ${hourLabel(election.closes_at)}`),
              h("button", {
                type: "button", class: "btn primary", "data-testid": "ya-vote",
                onClick: async (ev) => {
                  ev.target.disabled = true;
                  try { await queueMark(election, me.id, "self"); } catch (err) { toast(message(err), "warn"); ev.target.disabled = false; }
                },
              }, "Ya voté")] : null,
        testigo.items.length ? h("p", {}, h("a", { href: "/dia-d/testigo" }, "Ir a mi mesa de testigo")) : null);
    };
    stops.push(
      onOutbox((items) => { queued = items.some((i) => i.kind === "mark" && i.body.user === me.id); card.dataset.outbox = "read"; draw(); }),
      onSent((item, rec) => { if (item.kind === "mark" && rec.user === me.id && rec.status !== "undone") { voted = rec; draw(); } }));
    draw();
  })();
  return { card, stop: () => { for (const s of stops) s(); } };
}
