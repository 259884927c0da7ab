// The leaders' referidos table: one state object, render(state) building
// the DOM from it, and small handlers that change the state and render
// again. Fetches and realtime events land in the same state.
import { h, replace } from "./dom.js";
import { title, toast, badge, busy, facts } from "./ui.js";
import { pb, me, message } from "./session.js";
import { onReconnect, subscribe, newer } from "./live.js";
import { GROUPS, STATUS, statusInfo, placeLine, errorWords, cancelled } from "./census.js";
import { formatDate, formatDateTime, formatCedula, formatPhone, formatNumber, ago } from "./format.js";
import { countSentence, noReferidos } from "./referral.js";

/** PAGE is how many rows show at first, and how many "Mostrar más" adds. */
const PAGE = 100;

/** newState is the table before its data arrives. */
export function newState() {
  return {
    users: new Map(), // the rows: user id -> users record
    infos: new Map(), // user id -> their cedula_info record
    group: "todos", // the filter tab, one of GROUPS
    sort: { key: "created", dir: -1 },
    shown: PAGE, // rows of the filtered list on screen
    expanded: new Set(), // user ids whose detail row is open
    selected: new Set(), // user ids ticked for a bulk refresh
    includeFinal: false, // a bulk refresh re-checks settled answers too
    whole: false, // the whole network below, not only the direct referidos
  };
}

// ---------------------------------------------------------------- derived

const SORTS = {
  name: (r) => r.user.name.toLocaleLowerCase("es"),
  cedula: (r) => r.user.cedula.padStart(10, "0"),
  created: (r) => r.user.created,
  status: (r) => statusInfo(r.info?.status).label,
  place: (r) => [r.info?.municipio, r.info?.puesto, r.info?.mesa].join("|"),
};

/** rows pairs every user with their census record. */
export const rows = (st) => [...st.users.values()].map((user) => ({ user, info: st.infos.get(user.id) }));

const inGroup = (r, g) => !g.statuses || g.statuses.includes(r.info?.status);

/** visible is the rows of the current tab, in the current order. */
export function visible(st, all = rows(st)) {
  const g = GROUPS.find((x) => x.id === st.group);
  const list = all.filter((r) => inGroup(r, g));
  const key = SORTS[st.sort.key];
  list.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0) * st.sort.dir);
  return list;
}

// ---------------------------------------------------------------- changes

const toggle = (set, id, on) => (on ? set.add(id) : set.delete(id));

/** change holds every way the state changes, each a small function of it. */
export const change = {
  group(st, id) { st.group = id; st.shown = PAGE; },
  sort(st, key) { st.sort = { key, dir: st.sort.key === key ? -st.sort.dir : 1 }; },
  more(st) { st.shown += PAGE; },
  expand(st, id) { toggle(st.expanded, id, !st.expanded.has(id)); },
  select(st, id, on) { toggle(st.selected, id, on); },
  selectVisible(st, on) { for (const r of visible(st)) toggle(st.selected, r.user.id, on); },
  includeFinal(st, on) { st.includeFinal = on; },
  whole(st, on) { st.whole = on; st.shown = PAGE; },
  queued(st) { st.selected.clear(); },

  /** loaded replaces the rows with a fresh fetch; newer realtime records win. */
  loaded(st, users, infos) {
    st.users.clear();
    for (const u of users) st.users.set(u.id, u);
    for (const i of infos) if (newer(i, st.infos.get(i.user))) st.infos.set(i.user, i);
    for (const id of st.infos.keys()) if (!st.users.has(id)) st.infos.delete(id);
    prune(st);
  },
  /** userEvent applies a realtime event on users (anyone's: only ours stay). */
  userEvent(st, { action, record: u }, meId) {
    if (action === "delete" || (st.whole ? u.id === meId : u.referred_by !== meId)) { st.users.delete(u.id); st.infos.delete(u.id); prune(st); }
    else if (newer(u, st.users.get(u.id))) st.users.set(u.id, u);
  },
  /** infoEvent applies a realtime event on cedula_info. */
  infoEvent(st, { action, record: i }, meId) {
    if (i.user === meId) return; // the leader's own record lives on Inicio and Perfil
    if (action === "delete") st.infos.delete(i.user);
    else if (newer(i, st.infos.get(i.user))) st.infos.set(i.user, i);
  },
};

/** prune forgets the selection of rows that left. */
function prune(st) {
  for (const id of st.selected) if (!st.users.has(id)) st.selected.delete(id);
}

// ---------------------------------------------------------------- render

/**
 * layout builds the table's lasting nodes once: the summary, the toolbar's
 * controls and the table's frame; render fills them. on.change(fn, ...args)
 * applies change.fn to the state and renders; on.* are the requests.
 */
function layout(on, code) {
  const ui = { code };
  ui.summary = h("p", { class: "lead", "aria-live": "polite", "data-testid": "ref-count" });
  ui.content = h("div", {});
  ui.tabs = h("div", { class: "tabs", role: "group", "aria-label": "Filtrar por estado" });
  ui.selectAll = h("input", {
    type: "checkbox", id: "select-all", "aria-label": "Seleccionar todos los de este filtro",
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
  ui.thead = h("thead", {});
  ui.tbody = h("tbody", {});
  ui.more = h("div", { class: "more" });
  ui.stats = h("section", { class: "card", "aria-labelledby": "stats-h" });
  ui.table = h("div", {},
    ui.tabs,
    h("div", { class: "toolbar" },
      h("div", { class: "check-inline" }, ui.selectAll, h("label", { for: "select-all" }, "Todos")),
      ui.bulkBtn,
      h("div", { class: "check-inline" }, ui.finalBox, h("label", { for: "include-final" }, "Incluir ya verificados")),
      h("div", { class: "check-inline" }, ui.wholeBox, h("label", { for: "whole-network" }, "Toda la red")),
      csvBtn),
    h("div", { class: "table-wrap" }, h("table", { class: "grid", "data-testid": "referidos-table" },
      h("caption", { class: "visually-hidden" }, "Tus referidos y su estado en el censo"), ui.thead, ui.tbody)),
    ui.more, ui.stats);
  return ui;
}

/** render shows st in ui's nodes; it reads the state and never changes it. */
export function render(st, ui, on) {
  const all = rows(st);
  ui.summary.textContent = st.whole
    ? `${all.length === 1 ? "1 persona" : `${formatNumber(all.length)} personas`} en toda tu red.`
    : countSentence(all.length);
  ui.wholeBox.checked = st.whole;
  if (!all.length && !st.whole) {
    if (ui.content.dataset.mode !== "empty") { ui.content.dataset.mode = "empty"; replace(ui.content, noReferidos(ui.code)); }
    return;
  }
  if (ui.content.dataset.mode !== "table") { ui.content.dataset.mode = "table"; replace(ui.content, ui.table); }

  replace(ui.tabs, GROUPS.map((g) => h("button", {
    type: "button", class: "tab", "aria-pressed": String(st.group === g.id), "data-group": g.id,
    onClick: () => on.change(change.group, g.id),
  }, `${g.label} (${all.filter((r) => inGroup(r, g)).length})`)));

  const list = visible(st, all);
  replace(ui.thead, header(st, on));
  replace(ui.tbody, list.slice(0, st.shown).map((r) => rowNodes(r, st, on)));
  replace(ui.more, list.length > st.shown ? h("button", { type: "button", class: "btn secondary", onClick: () => on.change(change.more) },
    `Mostrar más (${formatNumber(list.length - st.shown)} restantes)`) : null);

  const sel = list.filter((r) => st.selected.has(r.user.id)).length;
  ui.selectAll.checked = sel > 0 && sel === list.length;
  ui.selectAll.indeterminate = sel > 0 && sel < list.length;
  ui.finalBox.checked = st.includeFinal;
  ui.bulkBtn.disabled = st.selected.size === 0;
  ui.bulkBtn.textContent = st.selected.size ? `Consultar seleccionados (${st.selected.size})` : "Consultar seleccionados";
  replace(ui.stats, stats(all));
}

function header(st, on) {
  const th = (key, label) => h("th", { scope: "col", "aria-sort": st.sort.key === key ? (st.sort.dir > 0 ? "ascending" : "descending") : null },
    h("button", { type: "button", class: "sort", onClick: () => on.change(change.sort, key) },
      label, h("span", { "aria-hidden": "true" }, st.sort.key === key ? (st.sort.dir > 0 ? " ▲" : " ▼") : "")));
  return h("tr", {},
    h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, "Seleccionar")),
    th("name", "Nombre"), th("cedula", "Cédula"), h("th", { scope: "col" }, "Celular"), th("created", "Registro"),
    st.whole ? h("th", { scope: "col" }, "Referido por") : null,
    th("status", "Estado"), th("place", "Puesto / mesa"), h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, "Acciones")));
}

/** rowNodes is one referido's row, and its detail row when expanded. */
function rowNodes({ user, info }, st, on) {
  const open = st.expanded.has(user.id);
  const detailId = `det-${user.id}`;
  const cb = h("input", {
    type: "checkbox", checked: st.selected.has(user.id), "aria-label": `Seleccionar a ${user.name}`,
    onChange: () => on.change(change.select, user.id, cb.checked),
  });
  const refresh = h("button", {
    type: "button", class: "btn small", "aria-label": `Consultar de nuevo a ${user.name}`, onClick: () => on.refreshOne(user, refresh),
  }, "Consultar");
  const toggleBtn = h("button", {
    type: "button", class: "btn small ghost", "aria-expanded": String(open), "aria-controls": detailId,
    "aria-label": `${open ? "Ocultar" : "Ver"} detalle de ${user.name}`, onClick: () => on.change(change.expand, user.id),
  }, open ? "Ocultar" : "Detalle");
  const active = info?.status === STATUS.ACTIVE;
  const place = active ? [info.puesto, info.mesa ? `mesa ${info.mesa}` : ""].filter(Boolean).join(" · ") : "";
  const tr = h("tr", { "data-id": user.id, "data-status": info?.status || "" },
    h("td", { class: "sel" }, cb),
    h("td", { "data-label": "Nombre", class: "name" }, user.name),
    h("td", { "data-label": "Cédula", class: "nowrap" }, formatCedula(user.cedula)),
    h("td", { "data-label": "Celular", class: "nowrap" }, h("a", { href: `tel:+57${user.phone}` }, formatPhone(user.phone))),
    h("td", { "data-label": "Registro", class: "nowrap" }, formatDate(user.created)),
    st.whole ? h("td", { "data-label": "Referido por", "data-testid": "referrer" }, referrerName(st, user)) : null,
    h("td", { "data-label": "Estado" }, badge(info?.status)),
    h("td", { "data-label": "Puesto / mesa" }, place),
    h("td", { class: "row-actions" }, refresh, toggleBtn));
  if (!open) return tr;
  const pairs = [];
  if (active) pairs.push(["Lugar", placeLine(info)], ["Dirección", info.direccion]);
  if (info?.novedad || cancelled(info?.status)) pairs.push(["Novedad", info.novedad], ["Resolución", info.resolucion], ["Fecha", info.fecha_novedad]);
  pairs.push(["Qué significa", statusInfo(info?.status).text]);
  pairs.push(["Qué pasó", errorWords(info)]);
  pairs.push(["Verificado", info?.fetched_at ? `${ago(info.fetched_at)} (${formatDateTime(info.fetched_at)})` : "aún no"]);
  return [tr, h("tr", { class: "detail", id: detailId }, h("td", { colspan: st.whole ? "9" : "8" }, facts(pairs)))];
}

/** referrerName is who referred user, in the whole-network table. */
function referrerName(st, user) {
  if (user.referred_by === st.meId) return "Tú";
  return st.users.get(user.referred_by)?.name || "";
}

/** stats is where the referidos with a confirmed place vote, top ten by municipio and by puesto. */
function stats(all) {
  const active = all.filter((r) => r.info?.status === STATUS.ACTIVE);
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
        tbl("Por municipio", "Municipio", tally((i) => `${i.municipio} (${i.departamento})`)),
        tbl("Por puesto", "Puesto", tally((i) => `${i.puesto} · ${i.municipio}`))),
    ] : h("p", {}, "Aún no hay lugares de votación confirmados.")];
}

// ---------------------------------------------------------------- the page

/** leaderView shows the signed-in leader's table, live; returns the cleanup. */
export async function leaderView(root) {
  const meId = me().id;
  const st = newState();
  st.meId = meId;
  const on = {
    change(fn, ...args) { fn(st, ...args); draw(); },
    refreshOne, bulk, csv,
    whole(on) { change.whole(st, on); draw(); load(); },
  };
  const ui = layout(on, me().referral_code);
  const draw = () => render(st, ui, on);
  // Realtime bursts render once per frame.
  let pending = false;
  const schedule = () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => { pending = false; draw(); });
  };

  async function refreshOne(user, btn) {
    await busy(btn, "…", async () => {
      try {
        await pb.send(`/api/census/refresh/${encodeURIComponent(user.id)}`, { method: "POST" });
        toast(`Consulta de ${user.name} en cola.`, "ok");
      } catch (err) {
        toast(message(err), "warn");
      }
    });
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
    draw();
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

  let loads = 0;
  async function load() {
    const my = ++loads;
    try {
      const [us, is] = await Promise.all([
        pb.collection("users").getFullList({ filter: pb.filter(st.whole ? "id != {:id}" : "referred_by = {:id}", { id: meId }), sort: "-created", batch: 1000 }),
        pb.collection("cedula_info").getFullList({ filter: pb.filter(st.whole ? "user != {:id}" : "user.referred_by = {:id}", { id: meId }), batch: 1000 }),
      ]);
      if (my !== loads) return; // the switch changed meanwhile
      change.loaded(st, us, is);
      schedule();
    } catch (err) {
      toast(message(err), "warn");
    }
  }

  root.append(title("Referidos"), ui.summary, ui.content);
  const offs = [
    await subscribe("users", "*", (e) => { change.userEvent(st, e, meId); schedule(); }),
    await subscribe("cedula_info", "*", (e) => { change.infoEvent(st, e, meId); schedule(); }),
    await onReconnect(load),
  ];
  await load();
  draw();
  return () => offs.forEach((o) => o());
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
