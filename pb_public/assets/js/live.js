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
 * retry reconnects when the SDK gave up: it retries a lost connection
 * forever, but not a first connection that failed (the server went away
 * while the page was starting). Subscribing connects and sends every
 * subscription the SDK kept; the PB_CONNECT listener then refetches.
 */
let retryTimer = null;
function retry(delay = 500) {
  lost = true;
  banner("Sin conexión en vivo. Reconectando…");
  if (retryTimer) return;
  retryTimer = setTimeout(async () => {
    retryTimer = null;
    if (!subscribedConnect) return;
    if (pb.realtime.isConnected) {
      // A subscription failed after the connection came back (or while it
      // was coming back): its PB_CONNECT already ran, so recover here.
      recovered();
      return;
    }
    try {
      const off = await pb.realtime.subscribe("PB_CONNECT", () => {});
      off().catch(() => {});
    } catch {
      retry(Math.min(delay * 2, 4000));
    }
  }, delay);
}

/** recovered clears the banner and refetches, once per loss. */
function recovered() {
  if (!lost) return;
  lost = false;
  banner("");
  for (const f of connectListeners) f();
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
    try {
      await pb.realtime.subscribe("PB_CONNECT", () => {
        document.body.dataset.live = "1";
        recovered();
      });
    } catch {
      retry(); // the SDK keeps the listener; it runs when the connection is back
    }
  }
  return () => connectListeners.delete(fn);
}

/**
 * subscribe is pb's subscribe that survives a dead connection: the SDK keeps
 * the listener and sends it again when it reconnects, so a failed first
 * send is not an error for the page. The returned stop is safe to call twice.
 */
export async function subscribe(collection, topic, fn) {
  let off;
  try {
    off = await pb.collection(collection).subscribe(topic, fn);
  } catch {
    off = () => pb.collection(collection).unsubscribe(topic);
    if (!pb.realtime.isConnected) retry();
  }
  let done = false;
  return () => { if (!done) { done = true; Promise.resolve(off()).catch(() => {}); } };
}

/**
 * subscribeTopic is subscribe for a custom realtime topic (such as "red"),
 * which belongs to no collection; fn receives the event's parsed data.
 */
export async function subscribeTopic(topic, fn) {
  let off;
  try {
    off = await pb.realtime.subscribe(topic, fn);
  } catch {
    off = () => pb.realtime.unsubscribe(topic);
    if (!pb.realtime.isConnected) retry();
  }
  let done = false;
  return () => { if (!done) { done = true; Promise.resolve(off()).catch(() => {}); } };
}

/** resetLive forgets the connection state after a logout (the SDK closes
 * the connection when its last subscription goes). */
export function resetLive() {
  connectListeners.clear();
  subscribedConnect = false;
  lost = false;
  clearTimeout(retryTimer);
  retryTimer = null;
  document.body.dataset.live = "";
  pb.realtime.onDisconnect = undefined;
  banner("");
}

/** newer says whether record a is at least as recent as b, by updated:
 * fetches and realtime events may arrive in either order. */
export function newer(a, b) {
  if (!b) return true;
  return String(a.updated || "") >= String(b.updated || "");
}
