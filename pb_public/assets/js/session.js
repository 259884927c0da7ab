// The PocketBase client and the session. "Recordarme" keeps the session in
// localStorage (it survives closing the browser; the server's token lasts
// 14 days and is refreshed on every visit); unticked, sessionStorage, which
// the browser forgets when it closes.
import PocketBase, { BaseAuthStore } from "../vendor/pocketbase.es.mjs";

const KEY = "padron_auth";
/** DASHBOARD_KEY is where PocketBase's dashboard (/_/) keeps its session: a superuser signed in here is signed in there. */
const DASHBOARD_KEY = "__pb_superusers__/_";

class SessionStore extends BaseAuthStore {
  constructor() {
    super();
    this.remember = true;
    /** written is the remembered copy this tab last stored (or read at load), to tell its own writes from other tabs'. */
    this.written = null;
    for (const [storage, remember] of [[localStorage, true], [sessionStorage, false]]) {
      try {
        const raw = storage.getItem(KEY);
        if (!raw) continue;
        const { token, record } = JSON.parse(raw);
        this.remember = remember;
        this.written = remember ? raw : null;
        super.save(token || "", record || null);
        break;
      } catch { /* a corrupt or blocked store is no session */ }
    }
  }

  save(token, record) {
    // No token is no session: never store a person's record without one
    // (an answer that arrives after a logout would leave it behind).
    if (!token) return this.clear();
    super.save(token, record);
    const [keep, drop] = this.remember ? [localStorage, sessionStorage] : [sessionStorage, localStorage];
    const value = JSON.stringify({ token, record });
    this.written = this.remember ? value : null;
    try {
      keep.setItem(KEY, value);
      drop.removeItem(KEY);
      if (record?.collectionName === "_superusers") localStorage.setItem(DASHBOARD_KEY, JSON.stringify({ token, record }));
    } catch { /* private mode: the session lives in memory only */ }
  }

  clear() {
    super.clear();
    this.written = null;
    try {
      localStorage.removeItem(KEY);
      sessionStorage.removeItem(KEY);
      localStorage.removeItem(DASHBOARD_KEY);
    } catch { /* nothing stored */ }
  }

  /**
   * loggedOutElsewhere answers another tab's removal of the remembered
   * session (its storage event): true when this tab must follow it. The
   * copy is still there when this tab wrote it again after the removal
   * but before the event arrived (a fresh record of the person, saved as
   * the other tab logged out): that write is this tab's own and must not
   * undo the logout. A different copy is another tab's new session.
   */
  loggedOutElsewhere() {
    if (!this.remember) return false; // a session of this tab alone
    let now;
    try { now = localStorage.getItem(KEY); } catch { return false; }
    return !now || now === this.written;
  }
}

export const store = new SessionStore();

/** KEY is the session's storage key, for main.js to follow another tab's logout. */
export const SESSION_KEY = KEY;
export const pb = new PocketBase("/", store, "es-CO");
pb.autoCancellation(false);

export const me = () => pb.authStore.record;
export const loggedIn = () => pb.authStore.isValid;
export const isSuperuser = () => pb.authStore.isValid && pb.authStore.isSuperuser;
/** LEADER_ROLES see their people's census data and get the leader's home. */
const LEADER_ROLES = ["leader", "coordinator"];
export const isLeader = () => loggedIn() && !isSuperuser() && LEADER_ROLES.includes(me()?.role);
/** isCoordinator also manages their subtree (promote, goals, moves). */
export const isCoordinator = () => loggedIn() && !isSuperuser() && me()?.role === "coordinator";

/** login signs in with a cédula (or a superuser's email) and password. */
export async function login(identity, password, remember) {
  store.remember = !!remember;
  const id = String(identity).trim();
  if (id.includes("@")) return pb.collection("_superusers").authWithPassword(id, password);
  return pb.collection("users").authWithPassword(id, password);
}

/** refresh renews the token and the record on each visit (sliding 14 days). */
export async function refresh() {
  if (!loggedIn()) return;
  const col = isSuperuser() ? "_superusers" : "users";
  const sent = pb.authStore.token;
  // A logout while the renewal travels wins: here (the token changed) or in
  // another tab (a remembered session's stored copy is gone). Saving the
  // answer then would bring the session back, in every tab.
  const overtaken = () => pb.authStore.token !== sent || (store.remember && !storedSession());
  try {
    const res = await pb.send(`/api/collections/${col}/auth-refresh`, { method: "POST" });
    if (overtaken()) {
      if (pb.authStore.token === sent) logout();
      return renewed("overtaken");
    }
    pb.authStore.save(res.token, res.record);
    renewed("renewed");
  } catch (err) {
    if (overtaken()) return renewed("overtaken");
    if (err?.status === 401 || err?.status === 403 || err?.status === 404) pb.authStore.clear();
    // offline: keep the stored session and try again on the next visit
    renewed("kept");
  }
}

/** renewed says on the page how the last renewal ended (data-session), for tests and support. */
function renewed(how) { document.documentElement.dataset.session = how; }

/** storedSession says whether a remembered session is still in localStorage. */
function storedSession() {
  try { return !!localStorage.getItem(KEY); } catch { return true; }
}

export function logout() {
  pb.realtime.unsubscribe().catch(() => {});
  pb.authStore.clear();
}

/** message is what to tell a person about a failed request. */
export function message(err, fallback = "Algo salió mal. Inténtalo de nuevo.") {
  if (!err) return fallback;
  if (err.status === 0 || err.isAbort) return "No hay conexión con el servidor. Revisa tu internet e inténtalo de nuevo.";
  return err.response?.message || fallback;
}

/** fieldErrors returns {field: message} from a PocketBase 400. */
export function fieldErrors(err) {
  const out = {};
  for (const [k, v] of Object.entries(err?.response?.data || {})) {
    if (v && typeof v === "object" && v.message) out[k] = v.message;
  }
  return out;
}
