// The signed-in person's own records, kept live: their cedula_info and
// users row, each subscribed by id (cheap for the server), refetched on
// every reconnect, events ordered by `updated`.
import { pb, me, store } from "./session.js";
import { onReconnect, subscribe, newer } from "./live.js";

/**
 * watchOwn calls onInfo(cedulaInfo) and onUser(userRecord) now and on every
 * change; returns the cleanup.
 */
export async function watchOwn({ onInfo, onUser, onReferidos }) {
  const id = me()?.id;
  const offs = [];
  let info = null;
  let user = me();

  const setInfo = (rec) => {
    if (!rec || !newer(rec, info)) return;
    info = rec;
    onInfo?.(info);
  };
  const setUser = (rec) => {
    if (!rec || !newer(rec, user)) return;
    user = rec;
    // name, goal: the whole app sees the change; an answer that arrives
    // after a logout (here or in another tab) belongs to no session.
    // Only a change is stored: every write reaches the other tabs.
    if (store.isValid && store.record?.id === rec.id && JSON.stringify(store.record) !== JSON.stringify(rec)) store.save(store.token, rec);
    onUser?.(user);
  };

  const fetchInfo = async () => {
    try {
      setInfo(await pb.collection("cedula_info").getFirstListItem(pb.filter("user = {:id}", { id })));
    } catch (err) {
      if (err?.status === 404) onInfo?.(null);
    }
  };
  const fetchUser = async () => {
    try { setUser(await pb.collection("users").getOne(id)); } catch { /* keep the stored one */ }
  };
  const countReferidos = async () => {
    try {
      const res = await pb.collection("referidos").getList(1, 1, { filter: pb.filter("referred_by = {:id}", { id }), fields: "id" });
      onReferidos?.(res.totalItems);
    } catch { /* keep the last count */ }
  };

  // Fetch at once and render; subscribe meanwhile, then fetch again to
  // cover what changed before the subscriptions were in place.
  let stopped = false;
  const add = (off) => (stopped ? off() : offs.push(off));
  let infoSubscribed = "";
  // The info's id is known after a fetch: subscribe by id then (again after
  // a reconnect if the first try never got that far).
  const subscribeInfo = async () => {
    if (!onInfo || !info || stopped || infoSubscribed === info.id) return;
    infoSubscribed = info.id;
    add(await subscribe("cedula_info", info.id, (e) => e.action !== "delete" && setInfo(e.record)));
  };
  const all = async () => {
    await Promise.all([onInfo && fetchInfo(), onUser && fetchUser(), onReferidos && countReferidos()]);
    await subscribeInfo();
  };
  const first = Promise.all([onInfo && fetchInfo(), onUser && fetchUser(), onReferidos && countReferidos()]);
  const live = (async () => {
    if (onUser) add(await subscribe("users", id, (e) => e.action !== "delete" && setUser(e.record)));
    if (onReferidos) add(await subscribe("referidos", "*", () => countReferidos()));
    add(await onReconnect(all));
    await first;
    if (!stopped) await all();
  })();
  live.catch(() => {}); // offline: the reconnect's refetch catches up later
  await first;
  return () => { stopped = true; offs.forEach((off) => off()); };
}
