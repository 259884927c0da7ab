// Realtime plumbing shared by the pages: one callback per (re)connect, so
// every page refetches what it may have missed, and the connection banner.
import { pb } from "./session.js";

const connectListeners = new Set();
let lost = false; // the connection dropped and has not come back yet
let subscribedConnect = false;

function banner(text) {
  const el = document.getElementById("conn");
  if (!el) return;
  el.textContent = text;
  el.hidden = !text;
}

/**
 * onReconnect calls fn each time the realtime connection comes back after
 * a loss, and returns a function that stops it. Pages refetch there: events
 * sent while the connection was down are lost. (Pages subscribe first and
 * fetch second, so the first connection needs no refetch.)
 */
export async function onReconnect(fn) {
  connectListeners.add(fn);
  if (!subscribedConnect) {
    subscribedConnect = true;
    pb.realtime.onDisconnect = (active) => {
      if (!active.length) return; // closed on purpose: nothing subscribed
      lost = true;
      banner("Sin conexión en vivo. Reconectando…");
    };
    await pb.realtime.subscribe("PB_CONNECT", () => {
      document.body.dataset.live = "1";
      if (!lost) return;
      lost = false;
      banner("");
      for (const f of connectListeners) f();
    });
  }
  return () => connectListeners.delete(fn);
}

/** subscribe is pb's subscribe with the unsubscribe made safe to call twice. */
export async function subscribe(collection, topic, fn) {
  const off = await pb.collection(collection).subscribe(topic, fn);
  let done = false;
  return () => { if (!done) { done = true; off().catch(() => {}); } };
}


/** resetLive forgets the connection state after a logout (the SDK closes
 * the connection when its last subscription goes). */
export function resetLive() {
  connectListeners.clear();
  subscribedConnect = false;
  lost = false;
  document.body.dataset.live = "";
  pb.realtime.onDisconnect = undefined;
  banner("");
}
