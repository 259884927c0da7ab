// Referidos. Everyone sees the people they referred (name and registration
// date, through the `referidos` view). Leaders also see the census columns,
// filters, sorting, per-row and bulk refresh, the CSV export and the stats
// by municipio and puesto; rows update live.
import { h, replace } from "../dom.js";
import { title, copyButton, toast, badge, busy } from "../ui.js";
import { pb, me, isLeader, isSuperuser, message } from "../session.js";
import { onReconnect, subscribe } from "../live.js";
import { GROUPS, statusInfo, placeLine, errorWords, newer } from "../census.js";
import { formatDate, formatDateTime, formatCedula, formatPhone, formatNumber, ago } from "../format.js";
import { referralLink } from "./inicio.js";

export default async function referidos(root) {
  if (isSuperuser()) {
    root.append(title("Referidos"), h("div", { class: "card" },
      h("p", {}, "Como administrador ves a todas las personas en el panel de administración."),
      h("p", {}, h("a", { href: "/_/", class: "btn primary" }, "Abrir el panel de administración"))));
    return;
  }
  return isLeader() ? leaderView(root) : memberView(root);
}

function emptyState() {
  const link = referralLink(me().referral_code);
  return h("div", { class: "card empty" },
    h("p", {}, "Aún no tienes referidos. Comparte tu enlace para invitar a otras personas:"),
    h("p", { class: "link-box" }, h("a", { href: link }, link)),
    h("div", { class: "actions" }, copyButton(() => link)));
}

// ---------------------------------------------------------------- members

async function memberView(root) {
  const id = me().id;
  const count = h("p", { class: "lead", "aria-live": "polite", "data-testid": "ref-count" });
  const list = h("div", { "data-testid": "referidos-list" });
  root.append(title("Mis referidos"), count, list);

  async function load() {
    let rows;
    try {
      rows = await pb.collection("referidos").getFullList({ filter: pb.filter("referred_by = {:id}", { id }), sort: "-created", fields: "id,name,created" });
    } catch (err) { toast(message(err), "warn"); return; }
    count.textContent = rows.length === 1 ? "1 persona se registró con tu enlace." : `${formatNumber(rows.length)} personas se registraron con tu enlace.`;
    if (!rows.length) { replace(list, emptyState()); return; }
    replace(list, h("ul", { class: "card plain-list" }, rows.map((r) =>
      h("li", { "data-id": r.id }, h("span", { class: "name" }, r.name),
        h("span", { class: "hint" }, `Registro: ${formatDate(r.created)}`)))));
  }
  const offs = [await subscribe("referidos", "*", load), await onReconnect(load)];
  await load();
  return () => offs.forEach((o) => o());
}

// ---------------------------------------------------------------- leaders

const SORTS = {
  name: (r) => r.user.name.toLocaleLowerCase("es"),
  cedula: (r) => r.user.cedula.padStart(10, "0"),
  created: (r) => r.user.created,
  status: (r) => statusInfo(r.info?.status).label,
  place: (r) => [r.info?.municipio, r.info?.puesto, r.info?.mesa].join("|"),
};

async function leaderView(root) {
  const meId = me().id;
  const users = new Map(); // id -> user record
  const infos = new Map(); // user id -> cedula_info record
  const selected = new Set();
  const expanded = new Set();
  let group = "todos";
  let sort = { key: "created", dir: -1 };
  let shown = 100;
  let includeFinal = false;

  const summary = h("p", { class: "lead", "aria-live": "polite", "data-testid": "ref-count" });
  const tabs = h("div", { class: "tabs", role: "group", "aria-label": "Filtrar por estado" });
  const selectAll = h("input", { type: "checkbox", id: "select-all", "aria-label": "Seleccionar todos los de este filtro" });
  const bulkBtn = h("button", { type: "button", class: "btn primary", disabled: true }, "Consultar seleccionados");
  const finalBox = h("input", { type: "checkbox", id: "include-final" });
  const csvBtn = h("button", { type: "button", class: "btn secondary" }, "Descargar CSV");
  const tbody = h("tbody", {});
  const thead = h("thead", {});
  const table = h("table", { class: "grid", "data-testid": "referidos-table" },
    h("caption", { class: "visually-hidden" }, "Tus referidos y su estado en el censo"), thead, tbody);
  const more = h("div", { class: "more" });
  const stats = h("section", { class: "card", "aria-labelledby": "stats-h" });
  const content = h("div", {});

  root.append(title("Referidos"), summary, content);
  const tableWrap = h("div", {},
    tabs,
    h("div", { class: "toolbar" },
      h("div", { class: "check-inline" }, selectAll, h("label", { for: "select-all" }, "Todos")),
      bulkBtn,
      h("div", { class: "check-inline" }, finalBox, h("label", { for: "include-final" }, "Incluir ya verificados")),
      csvBtn),
    h("div", { class: "table-wrap" }, table), more, stats);

  const rows = () => [...users.values()].map((user) => ({ user, info: infos.get(user.id) }));
  const inGroup = (r, g) => !g.statuses || g.statuses.includes(r.info?.status);
  const filtered = () => {
    const g = GROUPS.find((x) => x.id === group);
    const list = rows().filter((r) => inGroup(r, g));
    const key = SORTS[sort.key];
    list.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0) * sort.dir);
    return list;
  };

  let pending = false;
  const render = () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => { pending = false; renderNow(); });
  };

  function renderNow() {
    const all = rows();
    summary.textContent = all.length === 1 ? "1 persona se registró con tu enlace." : `${formatNumber(all.length)} personas se registraron con tu enlace.`;
    if (!all.length) {
      if (content.firstChild !== null && content.dataset.mode === "empty") return;
      content.dataset.mode = "empty";
      replace(content, emptyState());
      return;
    }
    if (content.dataset.mode !== "table") { content.dataset.mode = "table"; replace(content, tableWrap); }
    replace(tabs, GROUPS.map((g) => h("button", {
      type: "button", class: "tab", "aria-pressed": String(group === g.id), "data-group": g.id,
      onClick: () => { group = g.id; shown = 100; renderNow(); },
    }, `${g.label} (${all.filter((r) => inGroup(r, g)).length})`)));

    const list = filtered();
    for (const id of selected) if (!users.has(id)) selected.delete(id);
    const th = (key, label) => h("th", { scope: "col", "aria-sort": sort.key === key ? (sort.dir > 0 ? "ascending" : "descending") : null },
      key ? h("button", { type: "button", class: "sort", onClick: () => { sort = { key, dir: sort.key === key ? -sort.dir : 1 }; renderNow(); } },
        label, h("span", { "aria-hidden": "true" }, sort.key === key ? (sort.dir > 0 ? " ▲" : " ▼") : "")) : label);
    replace(thead, h("tr", {},
      h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, "Seleccionar")),
      th("name", "Nombre"), th("cedula", "Cédula"), h("th", { scope: "col" }, "Celular"), th("created", "Registro"),
      th("status", "Estado"), th("place", "Puesto / mesa"), h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, "Acciones"))));

    replace(tbody, list.slice(0, shown).map(rowNodes));
    replace(more, list.length > shown ? h("button", { type: "button", class: "btn secondary", onClick: () => { shown += 100; renderNow(); } },
      `Mostrar más (${formatNumber(list.length - shown)} restantes)`) : null);

    const sel = list.filter((r) => selected.has(r.user.id)).length;
    selectAll.checked = sel > 0 && sel === list.length;
    selectAll.indeterminate = sel > 0 && sel < list.length;
    bulkBtn.disabled = selected.size === 0;
    bulkBtn.textContent = selected.size ? `Consultar seleccionados (${selected.size})` : "Consultar seleccionados";
    renderStats(all);
  }

  function rowNodes(r) {
    const { user, info } = r;
    const open = expanded.has(user.id);
    const detailId = `det-${user.id}`;
    const cb = h("input", { type: "checkbox", checked: selected.has(user.id), "aria-label": `Seleccionar a ${user.name}` });
    cb.addEventListener("change", () => { cb.checked ? selected.add(user.id) : selected.delete(user.id); renderNow(); });
    const refresh = h("button", { type: "button", class: "btn small", "aria-label": `Consultar de nuevo a ${user.name}` }, "Consultar");
    refresh.addEventListener("click", () => refreshOne(user, refresh));
    const toggle = h("button", {
      type: "button", class: "btn small ghost", "aria-expanded": String(open), "aria-controls": detailId,
      "aria-label": `${open ? "Ocultar" : "Ver"} detalle de ${user.name}`,
    }, open ? "Ocultar" : "Detalle");
    toggle.addEventListener("click", () => { open ? expanded.delete(user.id) : expanded.add(user.id); renderNow(); });
    const place = info?.status === "active" ? [info.puesto, info.mesa ? `mesa ${info.mesa}` : ""].filter(Boolean).join(" · ") : "";
    const tr = h("tr", { "data-id": user.id, "data-status": info?.status || "" },
      h("td", { class: "sel" }, cb),
      h("td", { "data-label": "Nombre", class: "name" }, user.name),
      h("td", { "data-label": "Cédula", class: "nowrap" }, formatCedula(user.cedula)),
      h("td", { "data-label": "Celular", class: "nowrap" }, h("a", { href: `tel:+57${user.phone}` }, formatPhone(user.phone))),
      h("td", { "data-label": "Registro", class: "nowrap" }, formatDate(user.created)),
      h("td", { "data-label": "Estado" }, badge(info?.status)),
      h("td", { "data-label": "Puesto / mesa" }, place),
      h("td", { class: "row-actions" }, refresh, toggle));
    if (!open) return tr;
    const facts = [];
    if (info?.status === "active") facts.push(["Lugar", placeLine(info)], ["Dirección", info.direccion]);
    if (info?.novedad || info?.status?.startsWith("cancelled")) facts.push(["Novedad", info.novedad], ["Resolución", info.resolucion], ["Fecha", info.fecha_novedad]);
    facts.push(["Qué significa", statusInfo(info?.status).text]);
    if (errorWords(info)) facts.push(["Qué pasó", errorWords(info)]);
    facts.push(["Verificado", info?.fetched_at ? `${ago(info.fetched_at)} (${formatDateTime(info.fetched_at)})` : "aún no"]);
    return [tr, h("tr", { class: "detail", id: detailId },
      h("td", { colspan: "8" }, h("dl", { class: "facts" }, facts.filter(([, v]) => v).map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]))))];
  }

  function renderStats(all) {
    const active = all.filter((r) => r.info?.status === "active");
    const tally = (keyOf) => {
      const m = new Map();
      for (const r of active) { const k = keyOf(r.info); m.set(k, (m.get(k) || 0) + 1); }
      return [...m.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 10);
    };
    const tbl = (caption, head, entries) => h("table", { class: "stats" },
      h("caption", {}, caption),
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, head), h("th", { scope: "col", class: "num" }, "Personas"))),
      h("tbody", {}, entries.map(([k, n]) => h("tr", {}, h("td", {}, k), h("td", { class: "num" }, formatNumber(n))))));
    replace(stats, h("h2", { id: "stats-h" }, "Dónde votan"),
      active.length ? [
        h("p", {}, `${formatNumber(active.length)} de ${formatNumber(all.length)} con lugar de votación confirmado.`),
        h("div", { class: "stats-grid" },
          tbl("Por municipio", "Municipio", tally((i) => `${i.municipio} (${i.departamento})`)),
          tbl("Por puesto", "Puesto", tally((i) => `${i.puesto} · ${i.municipio}`))),
      ] : h("p", {}, "Aún no hay lugares de votación confirmados."));
  }

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

  selectAll.addEventListener("change", () => {
    for (const r of filtered()) selectAll.checked ? selected.add(r.user.id) : selected.delete(r.user.id);
    renderNow();
  });
  finalBox.addEventListener("change", () => { includeFinal = finalBox.checked; });
  bulkBtn.addEventListener("click", () => busy(bulkBtn, "Enviando…", async () => {
    const ids = [...selected];
    try {
      const res = await pb.send("/api/census/bulk-refresh", { method: "POST", body: { ids, all: includeFinal } });
      toast(bulkSummary(res), res.queued ? "ok" : "info", 9000);
      selected.clear();
    } catch (err) {
      toast(message(err), "warn");
    }
  }).then(renderNow));
  csvBtn.addEventListener("click", () => busy(csvBtn, "Preparando…", async () => {
    try {
      const res = await fetch("/api/referidos/export.csv?sep=semicolon", { headers: { Authorization: pb.authStore.token } });
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
  }));

  async function load() {
    try {
      const [us, is] = await Promise.all([
        pb.collection("users").getFullList({ filter: pb.filter("referred_by = {:id}", { id: meId }), sort: "-created", batch: 1000 }),
        pb.collection("cedula_info").getFullList({ filter: pb.filter("user.referred_by = {:id}", { id: meId }), batch: 1000 }),
      ]);
      users.clear();
      for (const u of us) users.set(u.id, u);
      for (const i of is) if (newer(i, infos.get(i.user))) infos.set(i.user, i);
      for (const id of infos.keys()) if (!users.has(id)) infos.delete(id);
      render();
    } catch (err) {
      toast(message(err), "warn");
    }
  }

  const offs = [
    await subscribe("users", "*", (e) => {
      const u = e.record;
      if (e.action === "delete" || u.referred_by !== meId) { users.delete(u.id); infos.delete(u.id); }
      else if (newer(u, users.get(u.id))) users.set(u.id, u);
      render();
    }),
    await subscribe("cedula_info", "*", (e) => {
      const i = e.record;
      if (i.user === meId) return; // the leader's own record lives on Inicio and Perfil
      if (e.action === "delete") infos.delete(i.user);
      else if (newer(i, infos.get(i.user))) infos.set(i.user, i);
      render();
    }),
    await onReconnect(load),
  ];
  await load();
  renderNow();
  return () => offs.forEach((o) => o());
}

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
