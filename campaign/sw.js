// Padrón's service worker: the app shell and its versioned assets are kept
// for a fast start and an offline page; API answers (people's data) and the
// realtime stream are never touched: they go to the network as if there
// were no worker.
const CACHE = "padron-shell-1";
const SHELL = "/";

self.addEventListener("install", (e) => {
  e.waitUntil(caches.open(CACHE).then((c) => c.add(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (e) => {
  e.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

self.addEventListener("fetch", (e) => {
  const req = e.request;
  if (req.method !== "GET") return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  const p = url.pathname;
  // Never: the API (records, exports, /api/realtime's event stream, files)
  // and the admin dashboard.
  if (p.startsWith("/api/") || p === "/_" || p.startsWith("/_/")) return;
  if (p.startsWith("/assets/")) {
    e.respondWith(asset(req, p));
    return;
  }
  if (req.mode === "navigate") e.respondWith(page(req));
});

// asset serves a versioned asset from the cache, else the network (kept,
// and older versions of it dropped).
async function asset(req, p) {
  const cache = await caches.open(CACHE);
  const hit = await cache.match(req);
  if (hit) return hit;
  const res = await fetch(req);
  if (res.ok && !p.startsWith("/assets/icons/")) {
    await cache.put(req, res.clone());
    const version = p.split("/")[2];
    for (const k of await cache.keys()) {
      const kp = new URL(k.url).pathname;
      if (kp.startsWith("/assets/") && kp.split("/")[2] !== version) await cache.delete(k);
    }
  }
  return res;
}

// page asks the network for the shell (always fresh when online) and falls
// back to the cached one offline.
async function page(req) {
  try {
    const res = await fetch(req);
    if (res.ok) {
      const cache = await caches.open(CACHE);
      await cache.put(SHELL, res.clone());
    }
    return res;
  } catch (err) {
    const hit = await caches.match(SHELL);
    if (hit) return hit;
    throw err;
  }
}
