// The leaders' referidos list: one state object, the rows kept by id and
// updated in place (focus, scroll and the row under the pointer stay put),
// small handlers that change the state and render again. Fetches and
// realtime events land in the same state; watchNetwork shares them with
// Inicio's worklist.
import { h, replace, debounce } from "./dom.js";
import { title, toast, badge, busy, facts } from "./ui.js";
import { pb, me, message } from "./session.js";
import { onReconnect, subscribe, subscribeTopic, newer } from "./live.js";
import {
  GROUPS, ACTION, describe, showsPlace, placeLine, placeShort, placeName, mapLink, failureDetail, cancelled, inFlight, failed,
} from "./census.js";
import { formatDate, formatDateTime, formatCedula, formatPhone, formatNumber, ago } from "./format.js";
import { countSentence, noReferidos } from "./referral.js";
import { homeView, queueWords } from "./worklist.js";

/** PAGE is how many rows show at first, and how many "Mostrar más" adds. */
const PAGE = 100;

/** NET_MAX is the most rows the subtree endpoint gives per request. */
const NET_MAX = 200;

/** FILTERS are the tabs plus the home's tiles that are not tabs: who can vote (a re-check keeps the last answer) and who needs action. */
export const FILTERS = [...GROUPS,
  { id: "votan", label: "Pueden votar", test: (r) => showsPlace(r.info) },
  { id: "accion", label: "Requieren acción", statuses: ACTION }];

/** newState is the table before its data arrives. */
export function newState() {
  return {
    users: new Map(), // the rows: user id -> users record
    infos: new Map(), // user id -> their cedula_info record
    group: "todos", // the filter, one of FILTERS
    query: "", // search by name or cédula
    sort: { key: "status", dir: 1 },
    shown: PAGE, // rows of the filtered list on screen
    expanded: new Set(), // user ids whose detail row is open
    selected: new Set(), // user ids ticked for a bulk refresh
    selecting: false, // phones: the "Seleccionar" mode shows the checkboxes
    includeFinal: false, // a bulk refresh re-checks settled answers too
    asking: new Set(), // user ids whose refresh request is on its way
    fresh: new Set(), // user ids that arrived live, highlighted for a while
    queue: null, // GET /api/census/queue's answer
    whole: false, // the whole network below, not only the direct referidos
    net: null, // with whole: the network's pages as the server sends them (newNet)
    loaded: false,
  };
}

/**
 * newNet is the whole network before its first page: the server searches,
 * filters, sorts and pages it (GET /api/red/nodes/me/subtree); the browser
 * holds the pages shown and the subtree's stats (the tabs' counts).
 */
function newNet() {
  return {
    ids: [], // the rows shown, in the server's order
    users: new Map(), // user id -> users record
    infos: new Map(), // user id -> cedula_info record
    total: 0, // how many match the search and filter
    stats: null, // GET /api/red/nodes/me/stats: by_status, by_municipio, by_puesto
    loading: false,
    loaded: false,
  };
}

// ---------------------------------------------------------------- derived

/** urgency orders statuses by what needs the leader first: action, then waiting, then settled. */
function urgency(info) {
  const s = info?.status;
  if (ACTION.includes(s)) return failed(s) ? 1 : 0;
  if (!s || inFlight(s)) return 2;
  return 3;
}

/** collator orders as a Spanish reader does: Óscar after Natalia, Ñ after N, 9 before 10. */
const collator = new Intl.Collator("es", { numeric: true });

const SORTS = {
  name: (r) => r.user.name.toLocaleLowerCase("es"),
  cedula: (r) => r.user.cedula.padStart(10, "0"),
  created: (r) => r.user.created,
  status: (r) => `${urgency(r.info)}|${r.user.name.toLocaleLowerCase("es")}`,
  place: (r) => [placeName(r.info?.municipio), r.info?.puesto, r.info?.mesa].join("|"),
};

/** SORT_MENU is the phone's sort menu: a key and a direction per option. */
const SORT_MENU = [
  ["status:1", "Urgencia (primero quien requiere acción)"],
  ["name:1", "Nombre (A–Z)"],
  ["created:-1", "Más recientes"],
  ["created:1", "Más antiguos"],
  ["place:1", "Puesto y municipio"],
  ["cedula:1", "Cédula"],
];

/** direct pairs every direct referido with their census record. */
const direct = (st) => [...st.users.values()].map((user) => ({ user, info: st.infos.get(user.id) }));

/** rows pairs every user of the list with their census record: the direct referidos, or the whole network's pages. */
export const rows = (st) => (st.whole && st.net
  ? st.net.ids.map((id) => ({ user: st.net.users.get(id), info: st.net.infos.get(id) }))
  : direct(st));

const inFilter = (r, g) => (g.test ? g.test(r) : !g.statuses || g.statuses.includes(r.info?.status));

/** matches says whether a row answers the search (name without accents, or cédula digits). */
function matches(r, q) {
  if (!q) return true;
  const digits = q.replace(/\D/g, "");
  if (digits && digits.length >= 3 && r.user.cedula.includes(digits)) return true;
  const fold = (s) => s.normalize("NFD").replace(/\p{Mn}/gu, "").toLocaleLowerCase("es");
  return fold(r.user.name).includes(fold(q.trim()));
}

/** visible is the rows of the current filter and search, in the current order (the whole network's: as the server sent them). */
export function visible(st, all = rows(st)) {
  if (st.whole) return all;
  const g = FILTERS.find((x) => x.id === st.group) || FILTERS[0];
  const list = all.filter((r) => inFilter(r, g) && matches(r, st.query));
  const key = SORTS[st.sort.key];
  const keyed = list.map((r) => [key(r), r]);
  keyed.sort((a, b) => collator.compare(a[0], b[0]) * st.sort.dir);
  return keyed.map(([, r]) => r);
}

// ---------------------------------------------------------------- changes

const toggle = (set, id, on) => (on ? set.add(id) : set.delete(id));

/** change holds every way the state changes, each a small function of it. */
export const change = {
  group(st, id) { st.group = id; st.shown = PAGE; },
  sort(st, key) { st.sort = { key, dir: st.sort.key === key ? -st.sort.dir : 1 }; },
  sortTo(st, key, dir) { st.sort = { key, dir }; },
  query(st, q) { st.query = q; st.shown = PAGE; },
  more(st) { st.shown += PAGE; },
  expand(st, id) { toggle(st.expanded, id, !st.expanded.has(id)); },
  select(st, id, on) { toggle(st.selected, id, on); },
  selectVisible(st, on) { for (const r of visible(st)) toggle(st.selected, r.user.id, on); },
  selecting(st, on) { st.selecting = on; if (!on) st.selected.clear(); },
  includeFinal(st, on) { st.includeFinal = on; },
  /** whole switches the list to the whole network, newest first (the order the server pages cheapest), and back to the order before. */
  whole(st, on) {
    if (on === st.whole) return;
    st.whole = on;
    st.shown = PAGE;
    st.net = on ? newNet() : null;
    if (on) { st.directSort = st.sort; st.sort = { key: "created", dir: -1 }; } else if (st.directSort) st.sort = st.directSort;
  },
  /**
   * netLoaded takes a page of the whole network (the first replaces the
   * rows; a next one may repeat a row a live registration pushed down: it
   * is kept once) and, with the first, the subtree's stats.
   */
  netLoaded(st, res, stats, first) {
    const n = st.net;
    if (first) { n.ids = []; n.users.clear(); }
    for (const u of res.items) {
      const ci = u.expand?.cedula_info_via_user;
      const info = Array.isArray(ci) ? ci[0] : ci;
      if (info && newer(info, n.infos.get(u.id))) n.infos.set(u.id, info);
      if (!n.users.has(u.id)) n.ids.push(u.id);
      n.users.set(u.id, u);
    }
    n.total = res.totalItems;
    if (stats) n.stats = stats;
    n.loaded = true;
    prune(st);
  },
  queued(st) { st.selected.clear(); },
  asking(st, id, on) { toggle(st.asking, id, on); },

  /** loaded replaces the rows with a fresh fetch; newer realtime records win. */
  loaded(st, users, infos) {
    st.users.clear();
    for (const u of users) st.users.set(u.id, u);
    for (const i of infos) if (newer(i, st.infos.get(i.user))) st.infos.set(i.user, i);
    for (const id of st.infos.keys()) if (!st.users.has(id)) st.infos.delete(id);
    st.loaded = true;
    prune(st);
  },
  /**
   * userEvent applies a realtime event on users (anyone the rules show:
   * the direct referidos stay in st.users; with the whole network, its
   * rows update and a registration below shows on top); it returns a newcomer.
   */
  userEvent(st, { action, record: u }, meId) {
    let newcomer = null;
    if (action === "delete" || u.referred_by !== meId) { st.users.delete(u.id); st.infos.delete(u.id); } else {
      const isNew = !st.users.has(u.id);
      if (newer(u, st.users.get(u.id))) st.users.set(u.id, u);
      if (isNew && st.loaded) { st.fresh.add(u.id); newcomer = u; }
    }
    const n = st.net;
    if (n && n.loaded) {
      if (action === "delete" || u.id === meId) {
        if (n.users.delete(u.id)) { n.ids = n.ids.filter((id) => id !== u.id); n.total -= 1; }
      } else if (n.users.has(u.id)) {
        if (newer(u, n.users.get(u.id))) n.users.set(u.id, u);
      } else if (action === "create" && st.group === "todos" && matches({ user: u }, st.query)) {
        n.users.set(u.id, u);
        n.ids.unshift(u.id);
        n.total += 1;
        st.fresh.add(u.id);
        newcomer = u;
      }
    }
    prune(st);
    return newcomer;
  },
  /** infoEvent applies a realtime event on cedula_info. */
  infoEvent(st, { action, record: i }, meId) {
    if (i.user === meId) return; // the leader's own record lives on Inicio and Perfil
    // The whole network keeps records of people not shown yet too: a
    // registration's record may arrive before its user.
    for (const infos of st.net ? [st.infos, st.net.infos] : [st.infos]) {
      if (action === "delete") infos.delete(i.user);
      else if (newer(i, infos.get(i.user))) infos.set(i.user, i);
    }
  },
};

/** prune forgets the selection of rows that left. */
function prune(st) {
  for (const id of st.selected) if (!st.users.has(id) && !st.net?.users.has(id)) st.selected.delete(id);
}

/**
 * netQuery is the whole network's rows from offset on as the server is
 * asked for them: the list's search, filter and order. The next rows are
 * asked from how many are held, not by page number: a person deleted live
 * shifts the server's pages by one, and the page after would skip a row.
 */
function netQuery(st, offset) {
  const g = FILTERS.find((x) => x.id === st.group) || FILTERS[0];
  const q = { offset, perPage: PAGE, sort: `${st.sort.dir < 0 ? "-" : ""}${st.sort.key}`, expand: "referred_by,cedula_info_via_user" };
  if (st.query.trim()) q.q = st.query.trim();
  if (g.id === "votan") q.able = true;
  else if (g.statuses) q.status = g.statuses.join(",");
  return q;
}

// ---------------------------------------------------------------- shared data

/**
 * watchNetwork loads the signed-in leader's referidos and their census
 * records, keeps them live and calls onChange(st, why, newcomer) after each
 * change (why: "load", "live"); returns the state and the cleanup.
 */
export async function watchNetwork(onChange) {
  const meId = me().id;
  const st = newState();
  st.meId = meId;
  let loads = 0;
  async function load() {
    const my = ++loads;
    try {
      // The direct referidos (the home's, and the list without "Toda la
      // red"): the API rules decide who they are.
      const [us, is, q] = await Promise.all([
        pb.collection("users").getFullList({ filter: pb.filter("referred_by = {:id}", { id: meId }), sort: "-created", batch: 1000 }),
        pb.collection("cedula_info").getFullList({ filter: pb.filter("user.referred_by = {:id}", { id: meId }), batch: 1000 }),
        pb.send("/api/census/queue", {}).catch(() => null),
      ]);
      if (my !== loads) return; // a newer load is on its way
      change.loaded(st, us, is);
      st.queue = q;
      onChange(st, "load");
    } catch (err) {
      toast(message(err), "warn");
    }
  }
  // The whole network, a page at a time: page 1 (with the stats) on the
  // switch and on every search, filter or order; the next on "Mostrar más".
  let netLoads = 0;
  async function loadNet(more = false) {
    const n = st.net;
    if (!n || (more && (n.loading || n.ids.length >= n.total))) return;
    const my = ++netLoads;
    n.loading = true;
    try {
      const [res, stats] = await Promise.all([
        pb.send("/api/red/nodes/me/subtree", { query: netQuery(st, more ? n.ids.length : 0) }),
        more ? null : pb.send("/api/red/nodes/me/stats", {}),
      ]);
      if (my !== netLoads || st.net !== n) return; // the search or the switch changed meanwhile
      change.netLoaded(st, res, stats, !more);
    } catch (err) {
      if (my === netLoads) toast(message(err), "warn");
    } finally {
      if (my === netLoads) n.loading = false;
    }
    if (my === netLoads && st.net === n) onChange(st, "load");
  }
  // Rows can leave the whole network's view, or move in its order, with no
  // event of their own for this list: a branch moved out of the network, a
  // census answer or a rename under a filter, search or order that reads
  // them. The server's rows then shift under "Mostrar más", which would
  // skip one; so the rows held are asked for again, a second after the
  // last such change.
  async function refreshNet() {
    const n = st.net;
    if (!n || !n.loaded || n.loading) return;
    const my = ++netLoads;
    const want = Math.max(n.ids.length, PAGE);
    n.loading = true;
    try {
      const items = [];
      let res;
      do {
        res = await pb.send("/api/red/nodes/me/subtree", { query: { ...netQuery(st, items.length), perPage: Math.min(NET_MAX, want - items.length) } });
        items.push(...res.items);
      } while (res.items.length > 0 && items.length < want && items.length < res.totalItems);
      if (my !== netLoads || st.net !== n) return;
      change.netLoaded(st, { ...res, items }, null, true);
    } catch (err) {
      if (my === netLoads) toast(message(err), "warn");
    } finally {
      if (my === netLoads) n.loading = false;
    }
    if (my === netLoads && st.net === n) onChange(st, "live");
  }
  const refreshNetLater = debounce(refreshNet, 1000);
  const readsCensus = () => st.group !== "todos" || st.sort.key === "status" || st.sort.key === "place";
  const readsName = () => st.query.trim() !== "" || st.sort.key === "name";
  // The tabs' counts follow live events, at most once a second.
  const statsLater = debounce(async () => {
    const n = st.net;
    if (!n) return;
    try { const s = await pb.send("/api/red/nodes/me/stats", {}); if (st.net === n) { n.stats = s; onChange(st, "live"); } } catch { /* keep the last */ }
  }, 1000);
  // The queue's estimate follows the queue, at most every 15 s.
  let lastQueue = 0;
  const queueLater = debounce(async () => {
    lastQueue = Date.now();
    try { st.queue = await pb.send("/api/census/queue", {}); onChange(st, "live"); } catch { /* keep the last */ }
  }, 1000);
  const offs = [
    await subscribe("users", "*", (e) => {
      const held = st.net?.users.has(e.record.id);
      const n = change.userEvent(st, e, meId);
      onChange(st, "live", n);
      if (st.net) statsLater();
      if (held && e.action === "update" && readsName()) refreshNetLater();
    }),
    await subscribe("cedula_info", "*", (e) => {
      change.infoEvent(st, e, meId);
      onChange(st, "live");
      if (st.net) statsLater();
      if (st.net?.users.has(e.record.user) && readsCensus()) refreshNetLater();
      if (Date.now() - lastQueue > 15000) queueLater();
    }),
    // A move's event reaches the old chain above the branch too.
    await subscribeTopic("red", (e) => { if (st.net?.loaded && e.action === "move") refreshNetLater(); }),
    await onReconnect(() => { load(); loadNet(); }),
  ];
  await load();
  return {
    st, reload: load, reloadNet: () => loadNet(), moreNet: () => loadNet(true),
    stop: () => { queueLater.cancel(); statsLater.cancel(); refreshNetLater.cancel(); offs.forEach((o) => o()); },
  };
}

// ---------------------------------------------------------------- render

/**
 * layout builds the list's lasting nodes once: the home (tiles, goal,
 * worklist), the sticky bar, the tabs, the table's frame; render fills
 * them in place. on.change(fn, ...args) applies change.fn and renders.
 */
function layout(on, code) {
  const ui = { code, rows: new Map(), pointer: false };
  ui.summary = h("p", { class: "lead", "data-testid": "ref-count" });
  ui.announce = h("p", { class: "visually-hidden", role: "status", "aria-live": "polite", "data-testid": "announce" });
  ui.home = homeView({ onPick: (id) => on.pick(id), onRefresh: (u) => on.refreshOne(u) });
  ui.content = h("div", {});
  ui.tabs = h("div", { class: "tabs", role: "group", "aria-label": "Filtrar por estado" });
  ui.tabBtns = new Map(GROUPS.map((g) => [g.id, h("button", {
    type: "button", class: "tab", "data-group": g.id, onClick: () => on.change(change.group, g.id),
  })]));
  ui.tabs.append(...ui.tabBtns.values());

  ui.search = h("input", {
    type: "search", id: "ref-search", name: "q", class: "search", placeholder: "Nombre o cédula", autocomplete: "off", enterkeyhint: "search",
    onInput: debounce(() => on.change(change.query, ui.search.value), 150),
  });
  ui.sortSel = h("select", { id: "ref-sort", onChange: () => { const [k, d] = ui.sortSel.value.split(":"); on.change(change.sortTo, k, Number(d)); } },
    SORT_MENU.map(([v, label]) => h("option", { value: v }, label)));
  ui.chip = h("p", { class: "chip", "data-testid": "active-filter" });
  ui.selectBtn = h("button", { type: "button", class: "btn small ghost select-mode", "aria-pressed": "false",
    onClick: () => on.change(change.selecting, !ui.selecting) }, "Seleccionar");
  ui.bar = h("div", { class: "sticky-bar" },
    h("div", { class: "bar-row" },
      h("div", { class: "bar-field grow" }, h("label", { for: "ref-search" }, "Buscar"), ui.search),
      h("div", { class: "bar-field" }, h("label", { for: "ref-sort" }, "Ordenar por"), ui.sortSel)),
    h("div", { class: "bar-row" }, ui.chip, ui.selectBtn));

  ui.selectAll = h("input", {
    type: "checkbox", id: "select-all",
    onChange: () => on.change(change.selectVisible, ui.selectAll.checked),
  });
  ui.bulkBtn = h("button", { type: "button", class: "btn primary", disabled: true, onClick: () => on.bulk(ui.bulkBtn) },
    "Consultar seleccionados");
  ui.finalBox = h("input", {
    type: "checkbox", id: "include-final", onChange: () => on.change(change.includeFinal, ui.finalBox.checked),
  });
  ui.wholeBox = h("input", {
    type: "checkbox", id: "whole-network", "data-testid": "whole-network", onChange: () => on.whole(ui.wholeBox.checked),
  });
  const csvBtn = h("button", { type: "button", class: "btn secondary", onClick: () => on.csv(csvBtn) }, "Descargar CSV");
  ui.toolbar = h("div", { class: "toolbar" },
    h("div", { class: "check-inline" }, ui.wholeBox, h("label", { for: "whole-network" }, "Toda la red")),
    h("div", { class: "check-inline bulk" }, ui.selectAll, h("label", { for: "select-all" }, "Marcar los de este filtro")),
    h("span", { class: "bulk" }, ui.bulkBtn),
    h("div", { class: "check-inline bulk" }, ui.finalBox, h("label", { for: "include-final" }, "Incluir ya verificados")),
    csvBtn);

  ui.sortBtns = new Map();
  const th = (key, label, cls) => {
    const arrow = h("span", { "aria-hidden": "true" });
    const btn = h("button", { type: "button", class: "sort", onClick: () => on.change(change.sort, key) }, label, arrow);
    const cell = h("th", { scope: "col", class: cls }, btn);
    ui.sortBtns.set(key, { cell, arrow });
    return cell;
  };
  ui.thead = h("thead", {}, h("tr", {},
    h("th", { scope: "col", class: "sel" }, h("span", { class: "visually-hidden" }, "Seleccionar")),
    th("name", "Nombre", "col-name"), th("cedula", "Cédula", "col-cedula"), h("th", { scope: "col", class: "col-phone" }, "Celular"),
    th("created", "Registro", "col-created"),
    ui.referrerTh = h("th", { scope: "col", class: "col-referrer", hidden: true }, "Referido por"),
    th("status", "Estado", "col-status"), th("place", "Puesto · municipio", "col-place"),
    h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, "Acciones"))));
  ui.tbody = h("tbody", {});
  ui.empty = h("p", { class: "card", hidden: true }, "Nadie coincide con este filtro o búsqueda.");
  ui.more = h("div", { class: "more" });
  ui.stats = h("section", { class: "card", "aria-labelledby": "stats-h" });
  ui.tableEl = h("table", { class: "grid", "data-testid": "referidos-table" },
    h("caption", { class: "visually-hidden" }, "Tus referidos y su estado en el censo"), ui.thead, ui.tbody);
  ui.wrap = h("div", { class: "table-wrap" }, ui.tableEl);
  // A row never moves under the pointer or the keyboard: live changes wait
  // until the person leaves the list.
  ui.wrap.addEventListener("pointerenter", () => { ui.pointer = true; });
  ui.wrap.addEventListener("pointerleave", () => { ui.pointer = false; on.settle(); });
  ui.wrap.addEventListener("focusout", (e) => { if (!ui.wrap.contains(e.relatedTarget)) on.settle(); });
  ui.table = h("div", { class: "ref-list" }, ui.bar, ui.tabs, ui.toolbar, ui.wrap, ui.empty, ui.more, ui.stats);
  return ui;
}

/** interacting says whether the person is on the list (pointer or focus): rows must not move. */
const interacting = (ui) => ui.pointer || ui.wrap.contains(document.activeElement);

/** render shows st in ui's nodes, updating what exists; it never changes the state. */
export function render(st, ui, on, why = "user") {
  const active = document.activeElement;
  const all = rows(st);
  // The whole network's counts come from its stats: the browser holds only the pages shown.
  const net = st.whole ? st.net : null;
  const byStatus = net?.stats?.by_status || {};
  const sum = (statuses) => statuses.reduce((n, s) => n + (byStatus[s] || 0), 0);
  const size = net ? (net.stats?.total ?? net.total) : all.length;
  const checking = net ? Object.keys(byStatus).filter(inFlight).reduce((n, s) => n + byStatus[s], 0) : all.filter((r) => inFlight(r.info?.status)).length;
  const eta = checking ? queueWords(st.queue) : "";
  ui.wholeBox.checked = st.whole;
  ui.referrerTh.hidden = !st.whole;
  ui.summary.textContent = (st.whole ? `${size === 1 ? "1 persona" : `${formatNumber(size)} personas`} en toda tu red.` : countSentence(size)) + (checking ? ` ${formatNumber(checking)} en verificación${eta ? ` (cola: ${eta})` : ""}.` : "");
  ui.home.update(direct(st), { goal: me()?.referral_goal ?? 0, leaderName: me()?.name, queue: st.queue });
  if (!all.length && !st.whole) {
    if (ui.content.dataset.mode !== "empty") { ui.content.dataset.mode = "empty"; replace(ui.content, noReferidos(ui.code)); }
    return;
  }
  if (ui.content.dataset.mode !== "table") { ui.content.dataset.mode = "table"; replace(ui.content, ui.table); }

  for (const g of GROUPS) {
    const b = ui.tabBtns.get(g.id);
    b.setAttribute("aria-pressed", String(st.group === g.id));
    const n = net ? (g.statuses ? sum(g.statuses) : size) : all.filter((r) => inFilter(r, g)).length;
    b.textContent = `${g.label} (${formatNumber(n)})`;
  }
  const g = FILTERS.find((x) => x.id === st.group) || FILTERS[0];
  const list = visible(st, all);
  const matching = net ? net.total : list.length;
  replace(ui.chip, st.group === "todos" && !st.query
    ? `Mostrando a todos (${formatNumber(matching)})`
    : [`Mostrando: ${g.label}${st.query ? ` · «${st.query}»` : ""} (${formatNumber(matching)}) `,
      h("button", { type: "button", class: "link", onClick: () => { ui.search.value = ""; on.change(change.query, ""); on.change(change.group, "todos"); } }, "Quitar filtro")]);
  if (ui.search.value !== st.query && document.activeElement !== ui.search) ui.search.value = st.query;
  ui.sortSel.value = SORT_MENU.some(([v]) => v === `${st.sort.key}:${st.sort.dir}`) ? `${st.sort.key}:${st.sort.dir}` : ui.sortSel.value;
  for (const [key, { cell, arrow }] of ui.sortBtns) {
    const on_ = st.sort.key === key;
    if (on_) cell.setAttribute("aria-sort", st.sort.dir > 0 ? "ascending" : "descending"); else cell.removeAttribute("aria-sort");
    arrow.textContent = on_ ? (st.sort.dir > 0 ? " ▲" : " ▼") : "";
  }
  ui.selecting = st.selecting;
  ui.table.classList.toggle("selecting", st.selecting);
  ui.selectBtn.setAttribute("aria-pressed", String(st.selecting));
  ui.selectBtn.textContent = st.selecting ? "Terminar selección" : "Seleccionar";

  // The rows: kept by id, updated in place, in order unless the person is on the list.
  let shown = (net ? list : list.slice(0, st.shown)).map((r) => r.user.id);
  if (why === "live" && interacting(ui) && ui.order) {
    const want = new Set(shown);
    const kept = ui.order.filter((id) => want.has(id));
    const keptSet = new Set(kept);
    shown = [...kept, ...shown.filter((id) => !keptSet.has(id))];
    ui.deferred = true;
  } else ui.deferred = false;
  ui.order = shown;
  const byId = new Map(list.map((r) => [r.user.id, r]));
  const keep = new Set(shown);
  for (const [id, row] of ui.rows) if (!keep.has(id)) { row.tr.remove(); row.detail.remove(); ui.rows.delete(id); }
  let cursor = ui.tbody.firstChild;
  for (const id of shown) {
    let row = ui.rows.get(id);
    if (!row) { row = rowNodes(id, on); ui.rows.set(id, row); }
    updateRow(row, byId.get(id), st);
    const nodes = st.expanded.has(id) ? [row.tr, row.detail] : [row.tr];
    if (!st.expanded.has(id)) row.detail.remove();
    for (const n of nodes) {
      if (cursor === n) cursor = cursor.nextSibling;
      else ui.tbody.insertBefore(n, cursor);
    }
  }
  while (cursor) { const next = cursor.nextSibling; cursor.remove(); cursor = next; }
  ui.empty.hidden = list.length > 0 || (net && !net.loaded);
  const rest = net ? net.total - list.length : list.length - st.shown;
  replace(ui.more, rest > 0 ? h("button", {
    type: "button", class: "btn secondary", "data-testid": "more", onClick: () => (net ? on.moreNet() : on.change(change.more)),
  }, `Mostrar más (${formatNumber(rest)} restantes)`) : null);

  const sel = list.filter((r) => st.selected.has(r.user.id)).length;
  ui.selectAll.checked = sel > 0 && sel === list.length;
  ui.selectAll.indeterminate = sel > 0 && sel < list.length;
  ui.finalBox.checked = st.includeFinal;
  ui.bulkBtn.disabled = st.selected.size === 0;
  ui.bulkBtn.textContent = st.selected.size ? `Consultar seleccionados (${st.selected.size})` : "Consultar seleccionados";
  replace(ui.stats, net ? netStats(net.stats, size) : stats(all));
  // Moving a row takes the focus with it in some browsers: give it back.
  if (active && active !== document.body && active.isConnected && document.activeElement !== active) active.focus({ preventScroll: true });
}

/** rowNodes builds one referido's lasting nodes; updateRow fills them. */
function rowNodes(id, on) {
  const row = { id };
  row.cb = h("input", { type: "checkbox", onChange: () => on.change(change.select, id, row.cb.checked) });
  row.refresh = h("button", { type: "button", class: "btn small", onClick: () => on.refreshOne(row.user) }, "Consultar");
  row.toggle = h("button", { type: "button", class: "btn small ghost", "aria-controls": `det-${id}`, onClick: () => on.change(change.expand, id) });
  row.name = h("td", { "data-label": "Nombre", class: "name" });
  row.cedula = h("td", { "data-label": "Cédula", class: "nowrap col-cedula" });
  row.phone = h("td", { "data-label": "Celular", class: "nowrap col-phone" });
  row.created = h("td", { "data-label": "Registro", class: "nowrap col-created" });
  row.status = h("td", { "data-label": "Estado", class: "col-status" });
  row.place = h("td", { "data-label": "Puesto · municipio", class: "col-place" });
  row.referrer = h("td", { "data-label": "Referido por", "data-testid": "referrer", class: "col-referrer", hidden: true });
  row.tr = h("tr", { "data-id": id },
    h("td", { class: "sel" }, row.cb), row.name, row.cedula, row.phone, row.created, row.referrer, row.status, row.place,
    h("td", { class: "row-actions" }, row.refresh, row.toggle));
  row.detailCell = h("td", { colspan: "9" });
  row.detail = h("tr", { class: "detail", id: `det-${id}` }, row.detailCell);
  return row;
}

/** updateRow writes a row's data into its nodes, touching only what changed. */
function updateRow(row, { user, info }, st) {
  const d = describe(info, { leader: true });
  const key = JSON.stringify([user.updated, user.name, info?.updated, info?.status, st.expanded.has(user.id), st.asking.has(user.id),
    st.selected.has(user.id), st.fresh.has(user.id), st.whole, Math.floor(Date.now() / 60000)]);
  row.user = user;
  if (row.key === key) return;
  row.key = key;
  const open = st.expanded.has(user.id);
  const checking = inFlight(info?.status);
  row.tr.dataset.status = info?.status || "";
  row.referrer.hidden = !st.whole;
  const ref = st.whole ? referrerName(st, user) : "";
  // A phone says "por <name>" or "por ti" (app.css): "Tú" is the laptop column's word.
  replace(row.referrer, ref ? h("span", { class: "ref-name" }, ref) : null);
  row.referrer.classList.toggle("self", st.whole && user.referred_by === st.meId);
  row.tr.classList.toggle("fresh", st.fresh.has(user.id));
  row.cb.checked = st.selected.has(user.id);
  row.cb.setAttribute("aria-label", `Seleccionar a ${user.name}`);
  row.refresh.disabled = checking || st.asking.has(user.id);
  row.refresh.setAttribute("aria-label", checking ? `Consultar a ${user.name} (ya hay una consulta en curso)` : `Consultar de nuevo a ${user.name}`);
  row.toggle.setAttribute("aria-expanded", String(open));
  row.toggle.setAttribute("aria-label", `${open ? "Ocultar" : "Ver"} detalle de ${user.name}`);
  row.toggle.textContent = open ? "Ocultar" : "Detalle";
  row.name.textContent = user.name;
  row.cedula.textContent = formatCedula(user.cedula);
  replace(row.phone, h("a", { href: `tel:+57${user.phone}` }, formatPhone(user.phone)));
  row.created.textContent = formatDate(user.created);
  replace(row.status, badge(info?.status, d));
  row.place.textContent = placeShort(info);
  if (!open) return;
  // The whole name and referrer: a phone's row ends them in an ellipsis.
  const pairs = [["Nombre", user.name], ["Referido por", st.whole ? referrerName(st, user) : ""],
    ["Cédula", formatCedula(user.cedula)], ["Celular", h("a", { href: `tel:+57${user.phone}` }, formatPhone(user.phone))],
    ["Registro", formatDate(user.created)]];
  const map = mapLink(info);
  if (placeLine(info)) pairs.push(["Lugar", placeLine(info)], ["Dirección", info.direccion ? [info.direccion, map ? [" · ", mapAnchor(map)] : null] : ""]);
  if (info?.novedad || cancelled(info?.status)) pairs.push(["Novedad", info.novedad], ["Resolución", info.resolucion], ["Fecha", info.fecha_novedad]);
  pairs.push(["Qué significa", d.text]);
  pairs.push(["Qué pasó", failureDetail(info)]);
  pairs.push(["Verificado", info?.fetched_at ? `${ago(info.fetched_at)} (${formatDateTime(info.fetched_at)})` : "aún no"]);
  replace(row.detailCell, facts(pairs));
}

/** mapAnchor is the "Cómo llegar" link: it opens the map app; nothing loads in the page. */
export const mapAnchor = (href) => h("a", { href, target: "_blank", rel: "noopener noreferrer" }, "Cómo llegar",
  h("span", { class: "visually-hidden" }, " (abre el mapa)"));

/** stats is where the referidos with a confirmed place vote, top ten by municipio and by puesto. */
function stats(all) {
  const active = all.filter((r) => showsPlace(r.info));
  const tally = (keyOf) => {
    const m = new Map();
    for (const r of active) { const k = keyOf(r.info); m.set(k, (m.get(k) || 0) + 1); }
    return [...m.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 10);
  };
  const tbl = (caption, head, entries) => h("table", { class: "stats" },
    h("caption", {}, caption),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, head), h("th", { scope: "col", class: "num" }, "Personas"))),
    h("tbody", {}, entries.map(([k, n]) => h("tr", {}, h("td", {}, k), h("td", { class: "num" }, formatNumber(n))))));
  return [h("h2", { id: "stats-h" }, "Dónde votan"),
    active.length ? [
      h("p", {}, `${formatNumber(active.length)} de ${formatNumber(all.length)} con lugar de votación confirmado.`),
      h("div", { class: "stats-grid" },
        tbl("Por municipio", "Municipio", tally((i) => { const m = placeName(i.municipio), d = placeName(i.departamento); return d && d !== m ? `${m} (${d})` : m; })),
        tbl("Por puesto", "Puesto", tally((i) => `${i.puesto} · ${placeName(i.municipio)}`))),
    ] : h("p", {}, "Aún no hay lugares de votación confirmados.")];
}

/** netStats is "Dónde votan" of the whole network, from its stats: the people with a confirmed place, top ten by municipio and by puesto. */
function netStats(s, size) {
  if (!s) return [];
  const top = (list, keyOf) => (list || []).filter((p) => p.municipio).slice(0, 10).map((p) => [keyOf(p), p.count]);
  const able = s.by_status?.active || 0;
  const tbl = (caption, head, entries) => h("table", { class: "stats" },
    h("caption", {}, caption),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, head), h("th", { scope: "col", class: "num" }, "Personas"))),
    h("tbody", {}, entries.map(([k, n]) => h("tr", {}, h("td", {}, k), h("td", { class: "num" }, formatNumber(n))))));
  return [h("h2", { id: "stats-h" }, "Dónde votan"),
    able ? [
      h("p", {}, `${formatNumber(able)} de ${formatNumber(size)} con lugar de votación confirmado.`),
      h("div", { class: "stats-grid" },
        tbl("Por municipio", "Municipio", top(s.by_municipio, (p) => { const m = placeName(p.municipio), d = placeName(p.departamento); return d && d !== m ? `${m} (${d})` : m; })),
        tbl("Por puesto", "Puesto", top(s.by_puesto, (p) => `${p.puesto} · ${placeName(p.municipio)}`))),
    ] : h("p", {}, "Aún no hay lugares de votación confirmados.")];
}

// ---------------------------------------------------------------- the page

/** refreshWith asks for one person's check; the toast says whose. */
export async function refreshPerson(user) {
  try {
    await pb.send(`/api/census/refresh/${encodeURIComponent(user.id)}`, { method: "POST" });
    toast(`Consulta de ${user.name} en cola.`, "ok");
  } catch (err) {
    toast(`${user.name}: ${message(err)}`, "warn");
  }
}

/** referrerName is who referred user, in the whole-network table. */
function referrerName(st, user) {
  if (user.referred_by === st.meId) return "Tú";
  return user.expand?.referred_by?.name || st.net?.users.get(user.referred_by)?.name || st.users.get(user.referred_by)?.name || "";
}

/** leaderView shows the signed-in leader's home and list, live; returns the cleanup. */
export async function leaderView(root, { params } = {}) {
  let st = null;
  // With the whole network the server searches, filters and sorts: these changes ask it again.
  const asksServer = new Set([change.group, change.sort, change.sortTo, change.query]);
  const on = {
    change(fn, ...args) { fn(st, ...args); draw("user"); if (st.whole && asksServer.has(fn)) net.reloadNet(); },
    moreNet() { net.moreNet(); },
    pick(id) { on.change(change.group, id); ui.bar.scrollIntoView({ block: "start" }); ui.search.focus({ preventScroll: true }); },
    settle() { if (ui.deferred) schedule(); },
    refreshOne, bulk, csv,
    whole(on) { change.whole(st, on); draw("user"); if (on) net.reloadNet(); },
  };
  const ui = layout(on, me().referral_code);
  const draw = (why) => { if (st) render(st, ui, on, why); };
  // Live bursts render once per frame.
  let pending = false;
  const schedule = () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => { pending = false; draw("live"); });
  };

  async function refreshOne(user) {
    change.asking(st, user.id, true);
    draw("user");
    await refreshPerson(user);
    change.asking(st, user.id, false);
    draw("user");
  }
  async function bulk(btn) {
    await busy(btn, "Enviando…", async () => {
      try {
        const res = await pb.send("/api/census/bulk-refresh", { method: "POST", body: { ids: [...st.selected], all: st.includeFinal } });
        toast(bulkSummary(res), res.queued ? "ok" : "info", 9000);
        change.queued(st);
      } catch (err) {
        toast(message(err), "warn");
      }
    });
    draw("user");
  }
  function csv(btn) {
    return busy(btn, "Preparando…", async () => {
      try {
        const res = await fetch(st.whole ? "/api/red/nodes/me/export.csv?sep=semicolon" : "/api/referidos/export.csv?sep=semicolon", { headers: { Authorization: pb.authStore.token } });
        if (!res.ok) throw Object.assign(new Error("export"), { status: res.status, response: await res.json().catch(() => ({})) });
        const url = URL.createObjectURL(await res.blob());
        const a = h("a", { href: url, download: `referidos-${new Date().toISOString().slice(0, 10)}.csv`, class: "visually-hidden" }, "csv");
        document.body.appendChild(a);
        a.click();
        a.remove();
        setTimeout(() => URL.revokeObjectURL(url), 10000);
      } catch (err) {
        toast(message(err, "No pudimos descargar el archivo."), "warn");
      }
    });
  }

  root.append(title("Referidos"), ui.summary, ui.announce, ui.home.el, ui.content);
  const timers = [];
  const net = await watchNetwork((s, why, newcomer) => {
    st = s;
    if (newcomer) {
      ui.announce.textContent = `Nuevo referido: ${newcomer.name}.`;
      timers.push(setTimeout(() => { st.fresh.delete(newcomer.id); schedule(); }, 8000));
    }
    if (why === "load") draw("user"); else schedule();
  });
  st = net.st;
  const filtro = params?.get("filtro");
  if (filtro && FILTERS.some((f) => f.id === filtro)) change.group(st, filtro);
  draw("user");
  return () => { net.stop(); timers.forEach(clearTimeout); };
}

// SKIP_WORDS say why a bulk refresh skipped a record, singular and plural,
// by the server's outcome (routes.Outcome*; a webtest checks each has words).
const SKIP_WORDS = {
  final: ["ya verificada", "ya verificadas"],
  in_flight: ["en curso", "en curso"],
  cooldown: ["consultada hace poco", "consultadas hace poco"],
  not_your_referral: ["no es tu referido", "no son tus referidos"],
};

/** bulkSummary says what a bulk refresh did, per reason. */
export function bulkSummary(res) {
  const counts = {};
  for (const r of res.results || []) if (r.outcome !== "queued") counts[r.outcome] = (counts[r.outcome] || 0) + 1;
  const parts = Object.entries(counts).map(([k, n]) => `${n} ${(SKIP_WORDS[k] || [k, k])[n === 1 ? 0 : 1]}`);
  const q = res.queued === 1 ? "1 consulta en cola" : `${res.queued} consultas en cola`;
  return parts.length ? `${q}. Omitidas: ${parts.join(", ")}.` : `${q}.`;
}
