// Election day in the browser: the current election and its hours, and the
// outbox of marks and E-14 reports. Every mark and report goes through the
// outbox (IndexedDB): it is stored first with its client-made id and the
// time it was made, shown "pendiente de enviar" until the server has it, and
// sent in order whenever the connection allows. The server answers a re-sent
// id with the stored record, so nothing is applied twice.
import { pb, message } from "./session.js";
import { toast } from "./ui.js";

export const UNDO_MS = 5 * 60 * 1000;
export const LATE_MS = 2 * 60 * 60 * 1000;

/** currentElection is the current election record, or null. */
export async function currentElection() {
  const list = await pb.collection("elections").getList(1, 1, { filter: "current = true", sort: "-date" });
  return list.items[0] || null;
}

const ms = (s) => (s ? new Date(String(s).replace(" ", "T")).getTime() : NaN);

/** isOpen says whether marks may be made now: inside the election's hours. */
export function isOpen(election, now = Date.now()) {
  return !!election && now >= ms(election.opens_at) && now <= ms(election.closes_at);
}

/** hourLabel is a time of day in Colombia, e.g. "4:00 p. m.". */
export function hourLabel(s) {
  return new Intl.DateTimeFormat("es-CO", { hour: "numeric", minute: "2-digit", timeZone: "America/Bogota" }).format(new Date(ms(s)));
}

/** pbDate is d as PocketBase writes dates. */
export const pbDate = (d) => new Date(d).toISOString().replace("T", " ");

/** newId is a record id made here (15 of a-z0-9), so a re-send is known. */
export function newId() {
  const abc = "abcdefghijklmnopqrstuvwxyz0123456789";
  const bytes = crypto.getRandomValues(new Uint8Array(15));
  return Array.from(bytes, (b) => abc[b % abc.length]).join("");
}

// The outbox: an IndexedDB store of {seq, id, kind, body, made}.
const DB = "padron-dia-d";
let dbp = null;
function db() {
  if (!dbp) {
    dbp = new Promise((resolve, reject) => {
      const req = indexedDB.open(DB, 1);
      req.onupgradeneeded = () => req.result.createObjectStore("outbox", { keyPath: "seq", autoIncrement: true });
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }
  return dbp;
}

async function tx(mode, fn) {
  const d = await db();
  return new Promise((resolve, reject) => {
    const t = d.transaction("outbox", mode);
    const out = fn(t.objectStore("outbox"));
    t.oncomplete = () => resolve(out?.result ?? out);
    t.onerror = () => reject(t.error);
  });
}

/** exists says whether the outbox database was ever made. Reading an
 * outbox that does not exist must not make it: a first open (which creates
 * the store) that a full navigation interrupts, with the page frozen in the
 * back/forward cache, holds every later page's open until it is evicted. So
 * only queueing creates it; pages that merely read wait for nothing. */
async function exists() {
  if (dbp || !indexedDB.databases) return true;
  const list = await indexedDB.databases().catch(() => null);
  return !list || list.some((d) => d.name === DB);
}

/** pending lists the outbox in the order it will be sent. */
export const pending = async () => ((await exists()) ? tx("readonly", (s) => s.getAll()) : []);

const listeners = new Set();
/** onOutbox calls fn(items) whenever the outbox changes; returns a stop. */
export function onOutbox(fn) {
  listeners.add(fn);
  pending().then(fn).catch(() => {});
  return () => listeners.delete(fn);
}
async function changed() {
  const items = await pending().catch(() => []);
  for (const f of listeners) f(items);
}

/** queueMark stores a mark of userId (method leader, self or testigo) and sends it. */
export async function queueMark(election, userId, method) {
  const me = pb.authStore.record;
  const item = {
    id: newId(), kind: "mark", made: Date.now(),
    body: { user: userId, election: election.id, marked_by: me.id, method },
  };
  item.body.id = item.id;
  item.body.marked_at = pbDate(item.made);
  await tx("readwrite", (s) => s.add(item));
  await changed();
  flush();
  return item;
}

/** queueE14 stores a testigo's E-14 (its photo a Blob) and sends it. */
export async function queueE14(testigo, fields, photo) {
  const item = { id: newId(), kind: "e14", made: Date.now(), body: { ...fields, testigo: testigo.id, reported_by: pb.authStore.record.id }, photo: photo || null };
  await tx("readwrite", (s) => s.add(item));
  await changed();
  flush();
  return item;
}

/** cancel drops an item that was not sent yet (an undo before it left). */
export async function cancel(id) {
  const items = await pending();
  const it = items.find((i) => i.id === id);
  if (it) await tx("readwrite", (s) => s.delete(it.seq));
  await changed();
  return !!it;
}

const sentListeners = new Set();
/** onSent calls fn(item, record) when the server has stored an item. */
export function onSent(fn) { sentListeners.add(fn); return () => sentListeners.delete(fn); }

let running = false;
let again = false;
let retryDelay = 0;
let retryTimer = null;
/** retryLater sends the outbox again after a busy server's answer (a 5xx
 * or 429 may come for a mark that was stored: the re-send with the same id
 * gets the stored record back), waiting 2 s, then twice as long up to 1 min. */
function retryLater() {
  if (retryTimer) return;
  retryDelay = Math.min(retryDelay ? retryDelay * 2 : 2000, 60000);
  retryTimer = setTimeout(() => { retryTimer = null; flush(); }, retryDelay);
}
/** flush sends the outbox in order; it stops at the first network failure
 * (and goes on when the browser is back online). A call while it runs makes
 * it look at the outbox once more before it stops. */
export async function flush() {
  if (running) { again = true; return; }
  running = true;
  try {
    do {
      again = false;
      for (const item of await pending().catch(() => [])) {
        let rec;
        try {
          rec = await send(item);
        } catch (err) {
          if (err?.status === 0 || err?.isAbort || !navigator.onLine) return; // offline: keep it
          if (err?.status >= 500 || err?.status === 429) { retryLater(); return; } // busy server: keep it, send again
          toast(message(err, "No pudimos registrar este dato."), "warn", 8000);
        }
        retryDelay = 0;
        await tx("readwrite", (s) => s.delete(item.seq));
        await changed();
        if (rec) for (const f of sentListeners) f(item, rec);
      }
    } while (again);
  } finally {
    running = false; // synchronously after the last check: no call falls in between
  }
}

async function send(item) {
  if (item.kind === "mark") return pb.collection("vote_marks").create(item.body);
  const form = new FormData();
  for (const [k, v] of Object.entries(item.body)) form.append(k, typeof v === "object" ? JSON.stringify(v) : String(v));
  if (item.photo) form.append("photo", item.photo, item.photo.name || "e14.jpg");
  return pb.collection("e14_reports").create(form);
}

/** undo takes back a mark: unsent, it leaves the outbox; sent, the server
 * marks it undone (within five minutes). */
export async function undo(markId) {
  if (await cancel(markId)) return true;
  await pb.collection("vote_marks").update(markId, { status: "undone" });
  return true;
}

window.addEventListener("online", () => flush());
// A page kept in the back/forward cache must not hold the database open: a
// reload's first open would wait for it.
window.addEventListener("pagehide", () => {
  if (dbp) dbp.then((d) => d.close()).catch(() => {});
  dbp = null;
});
