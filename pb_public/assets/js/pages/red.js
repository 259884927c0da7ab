// La red: for leaders and coordinators, the tree below them expanded branch
// by branch (each person with role, counts, census breakdown and goals), a
// search that jumps to a person's place, the ranking of the leaders below
// and, for coordinators, promote/demote, goals and moving a branch. Live
// through the "red" realtime topic: a change below refetches only the nodes
// on screen that it touches. Members see their own counts.
import { h, replace } from "../dom.js";
import { title, toast, busy, field, formAlert, adminCard } from "../ui.js";
import { me, isLeader, isCoordinator, isSuperuser, message } from "../session.js";
import { onReconnect, subscribeTopic } from "../live.js";
import { formatNumber } from "../format.js";
import { api, ROLES, RANKINGS, peopleWord, levelsList, censusChips, goalBar } from "../red.js";

/** PAGE is how many children a branch shows at first and adds per "Mostrar más". */
const PAGE = 50;
/** RANK_PAGE is how many leaders the ranking shows at first and adds. */
const RANK_PAGE = 10;

export default async function red(root) {
  if (isSuperuser()) {
    root.append(title("La red"), adminCard("Como administrador ves y cambias a todas las personas en el panel de administración."));
    return;
  }
  return isLeader() ? networkView(root) : memberView(root);
}

/** memberView shows a member how many people are below them, per level. */
async function memberView(root) {
  const box = h("section", { class: "card", "aria-labelledby": "mine-h" });
  root.append(title("Tu red"), box);
  async function load() {
    try {
      const n = await api.node("me");
      replace(box, h("h2", { id: "mine-h" }, `${peopleWord(n.subtree_count)} en tu red`),
        n.subtree_count ? levelsList(n.levels) : h("p", {}, "Cuando alguien se registre con tu enlace aparecerá aquí."),
        h("p", {}, h("a", { href: "/inicio" }, "Volver al inicio")));
    } catch (err) { toast(message(err), "warn"); }
  }
  const offs = [await subscribeTopic("red", load), await onReconnect(load)];
  await load();
  return () => offs.forEach((o) => o());
}

/** networkView is the leaders' and coordinators' page; returns its cleanup. */
async function networkView(root) {
  const coordinator = isCoordinator();
  const views = new Map(); // user id -> the node's view on screen
  let rootId = me().id;
  const summary = h("p", { class: "lead", "aria-live": "polite", "data-testid": "red-summary" });
  const tree = h("ul", { class: "tree", "data-testid": "red-tree", "aria-label": "Tu red" });
  const rank = { by: "size", shown: RANK_PAGE, list: h("div", { "data-testid": "ranking" }), tabs: h("div", { class: "tabs wrap", role: "group", "aria-label": "Ordenar el ranking por" }) };

  // ------------------------------------------------------------ nodes

  /** view makes (or returns) a node's view: its card and its branch. */
  function view(node) {
    let v = views.get(node.id);
    if (!v) {
      v = { id: node.id, node, open: false, ids: [], page: 0, total: 0, panel: null };
      v.card = h("div", { class: "node-card", id: `nodo-${node.id}`, tabindex: "-1" });
      v.kids = h("ul", { class: "tree-kids", id: `rama-${node.id}`, hidden: true });
      v.more = h("div", { class: "more" });
      v.li = h("li", { "data-id": node.id }, v.card, v.kids, v.more);
      views.set(node.id, v);
    }
    v.node = node;
    drawCard(v);
    return v;
  }

  function drawCard(v) {
    const n = v.node;
    const isRoot = n.id === rootId;
    v.li.dataset.role = n.role;
    const leaf = !isRoot && n.direct_count === 0;
    v.card.classList.toggle("leaf", leaf);
    if (leaf) return drawLeaf(v);
    const toggle = n.direct_count > 0 ? h("button", {
      type: "button", class: "toggle", "aria-expanded": String(v.open), "aria-controls": `rama-${n.id}`,
      "aria-label": `${v.open ? "Ocultar" : "Ver"} la red de ${n.name}`, onClick: () => (v.open ? close(v) : open(v)),
    }, h("span", { "aria-hidden": "true" }, v.open ? "▾" : "▸")) : h("span", { class: "toggle-space", "aria-hidden": "true" });
    const grow = n.joined_7d ? ` · +${formatNumber(n.joined_7d)} en 7 días` : "";
    replace(v.card,
      h("div", { class: "node-head" }, toggle,
        h("span", { class: "node-name" }, n.name),
        h("span", { class: `role-pill ${n.role}` }, ROLES[n.role] || n.role)),
      h("p", { class: "node-counts", "data-testid": "node-counts" },
        h("span", { "data-direct": String(n.direct_count) }, n.direct_count === 1 ? "1 directo" : `${formatNumber(n.direct_count)} directos`),
        " · ", h("span", { "data-subtree": String(n.subtree_count) }, `${peopleWord(n.subtree_count)} en su red`), grow),
      n.subtree_count ? censusChips(n.census) : null,
      h("div", { class: "goals" },
        goalBar("Referidos", n.direct_count, n.referral_goal),
        goalBar("Red", n.subtree_count, n.subtree_goal)),
      coordinator && !isRoot ? actions(v) : null,
      v.panel);
  }

  /**
   * drawLeaf is the card of someone with nobody below: one or two lines
   * (name, role, none of their goals yet), a coordinator's buttons behind
   * "Opciones" on a phone and in the line on a wider screen.
   */
  function drawLeaf(v) {
    const n = v.node;
    const counts = [n.referral_goal ? `0 de ${formatNumber(n.referral_goal)} referidos` : "Sin referidos",
      n.subtree_goal ? `0 de ${formatNumber(n.subtree_goal)} en su red` : ""].filter(Boolean).join(" · ");
    const tools = coordinator ? actions(v) : null;
    let more = null;
    if (tools) {
      tools.id = `acciones-${n.id}`;
      more = h("button", {
        type: "button", class: "more-toggle", "aria-expanded": String(!!v.tools), "aria-controls": tools.id,
        "aria-label": `Opciones de ${n.name}`, title: "Opciones", onClick: () => { v.tools = !v.tools; drawCard(v); },
      }, h("span", { "aria-hidden": "true" }, "⋯"));
      tools.classList.toggle("shown", !!v.tools || !!v.panel);
    }
    // One flow of text, so a long name shares its last line with the rest.
    replace(v.card,
      h("div", { class: "leaf-line" }, more,
        h("span", { class: "toggle-space", "aria-hidden": "true" }),
        h("span", { class: "node-name" }, n.name), " ",
        h("span", { class: `role-pill ${n.role}` }, ROLES[n.role] || n.role), " ",
        h("span", { class: "node-counts", "data-testid": "node-counts" },
          h("span", { "data-direct": "0", "data-subtree": "0" }, counts)),
        tools),
      v.panel);
  }

  /** actions are a coordinator's buttons on a person below them. */
  function actions(v) {
    const n = v.node;
    const btns = [];
    if (n.role === "member" || n.role === "leader") {
      const to = n.role === "member" ? "leader" : "member";
      const b = h("button", { type: "button", class: "btn small", onClick: () => setRole(v, to, b) },
        to === "leader" ? "Hacer líder" : "Quitar liderazgo");
      b.setAttribute("aria-label", `${to === "leader" ? "Hacer líder a" : "Quitar liderazgo a"} ${n.name}`);
      btns.push(b);
    }
    btns.push(h("button", { type: "button", class: "btn small", "aria-label": `Metas de ${n.name}`, onClick: () => showGoals(v) }, "Metas"));
    btns.push(h("button", { type: "button", class: "btn small", "aria-label": `Mover a ${n.name} con su red`, onClick: () => showMove(v) }, "Mover"));
    return h("div", { class: "actions node-actions" }, btns);
  }

  async function open(v) {
    v.open = true;
    v.kids.hidden = false;
    drawCard(v);
    // A closed branch missed its live updates: fetch it afresh.
    await (v.page ? reloadChildren(v) : loadChildren(v, 1));
  }

  function close(v) {
    v.open = false;
    v.kids.hidden = true;
    replace(v.more);
    drawCard(v);
  }

  /** loadChildren appends page of v's children (page 1 starts over). */
  async function loadChildren(v, page) {
    let res;
    try {
      res = await api.children(v.id, page, PAGE);
    } catch (err) { toast(message(err), "warn"); return; }
    if (page === 1) v.ids = [];
    for (const n of res.items) if (!v.ids.includes(n.id)) v.ids.push(n.id);
    v.page = page;
    v.total = res.totalItems;
    replace(v.kids, v.ids.map((id) => view(res.items.find((n) => n.id === id) || views.get(id).node).li));
    drawMore(v);
    sweep();
  }

  /** reloadChildren refetches the pages of v's branch already on screen. */
  async function reloadChildren(v) {
    const pages = Math.max(1, v.page);
    let items = [];
    let total = 0;
    try {
      for (let p = 1; p <= pages; p++) {
        const res = await api.children(v.id, p, PAGE);
        items = items.concat(res.items);
        total = res.totalItems;
      }
    } catch (err) { toast(message(err), "warn"); return; }
    v.ids = items.map((n) => n.id);
    v.total = total;
    replace(v.kids, items.map((n) => view(n).li));
    drawMore(v);
    sweep();
  }

  function drawMore(v) {
    const left = v.total - v.ids.length;
    replace(v.more, v.open && left > 0 ? h("button", {
      type: "button", class: "btn secondary small", onClick: (e) => busy(e.currentTarget, "Cargando…", () => loadChildren(v, v.page + 1)),
    }, `Mostrar más de ${v.node.name} (${formatNumber(left)} restantes)`) : null);
  }

  /** sweep forgets the views no longer on screen (moved away, deleted). */
  function sweep() {
    for (const [id, v] of views) if (!v.li.isConnected && id !== rootId) views.delete(id);
  }

  // ------------------------------------------------------------ coordinators

  async function setRole(v, role, btn) {
    await busy(btn, "Guardando…", async () => {
      try {
        const n = await api.role(v.id, role);
        view(n);
        toast(role === "leader" ? `${n.name} ahora es líder.` : `${n.name} ya no es líder.`, "ok");
        loadRanking();
      } catch (err) { toast(message(err), "warn"); }
    });
  }

  function closePanel(v) {
    v.panel = null;
    drawCard(v);
    v.card.querySelector(".node-actions button")?.focus();
  }

  function showGoals(v) {
    const n = v.node;
    const direct = field({ label: "Meta de referidos directos", name: "referral_goal", type: "number", inputmode: "numeric", value: String(n.referral_goal || 0) });
    const whole = field({ label: "Meta de toda su red", name: "subtree_goal", type: "number", inputmode: "numeric", value: String(n.subtree_goal || 0), hint: "0 es sin meta." });
    for (const f of [direct, whole]) { f.input.min = "0"; f.input.step = "1"; }
    const alert = formAlert();
    const save = h("button", { type: "submit", class: "btn primary" }, "Guardar metas");
    const form = h("form", { class: "form panel", "aria-label": `Metas de ${n.name}`, novalidate: true,
      onSubmit: async (e) => {
        e.preventDefault();
        alert.clear();
        const goals = { referral_goal: Number(direct.value), subtree_goal: Number(whole.value) };
        if (!Number.isInteger(goals.referral_goal) || !Number.isInteger(goals.subtree_goal) || goals.referral_goal < 0 || goals.subtree_goal < 0) {
          alert.show("Las metas son números enteros de 0 en adelante.");
          return;
        }
        await busy(save, "Guardando…", async () => {
          try {
            const updated = await api.goals(v.id, goals);
            v.panel = null;
            view(updated);
            toast(`Metas de ${updated.name} guardadas.`, "ok");
            loadRanking();
          } catch (err) { alert.fail(err); }
        });
      } },
    h("h3", {}, `Metas de ${n.name}`), direct.el, whole.el, alert.el,
    h("div", { class: "actions" }, save, h("button", { type: "button", class: "btn ghost", onClick: () => closePanel(v) }, "Cancelar")));
    v.panel = form;
    drawCard(v);
    direct.input.focus();
  }

  function showMove(v) {
    const n = v.node;
    const q = field({ label: "Nuevo responsable (nombre o cédula)", name: "parent_q", type: "search", hint: "Debe estar en tu red y fuera de la rama que mueves." });
    const results = h("ul", { class: "search-results", "aria-live": "polite" });
    const confirmBox = h("div", {});
    const alert = formAlert();
    const find = h("button", { type: "submit", class: "btn secondary" }, "Buscar");
    const panel = h("div", { class: "panel" },
      h("h3", {}, `Mover a ${n.name}`),
      h("form", { class: "search-form", role: "search", "aria-label": `Nuevo responsable de ${n.name}`, onSubmit: async (e) => {
        e.preventDefault();
        replace(confirmBox);
        await busy(find, "Buscando…", async () => {
          try {
            const res = await api.search(q.value.trim(), n.id);
            const items = res.items;
            replace(results, items.length ? items.map((p) => h("li", {}, h("button", {
              type: "button", class: "link-btn", onClick: () => confirmMove(p),
            }, `${p.name} (${ROLES[p.role] || p.role})`))) : h("li", {}, "Nadie con ese nombre o cédula en tu red."));
          } catch (err) { alert.fail(err); }
        });
      } }, q.el, h("div", { class: "actions" }, find)),
      results, confirmBox, alert.el,
      h("div", { class: "actions" }, h("button", { type: "button", class: "btn ghost", onClick: () => closePanel(v) }, "Cancelar")));

    function confirmMove(target) {
      const total = n.subtree_count + 1;
      const text = n.subtree_count
        ? `Vas a mover a ${n.name} y a las ${peopleWord(n.subtree_count)} de su red (${peopleWord(total)} en total) para que queden bajo ${target.name}.`
        : `Vas a mover a ${n.name} (1 persona) para que quede bajo ${target.name}.`;
      const yes = h("button", { type: "button", class: "btn primary", "data-testid": "confirm-move" }, `Sí, mover ${peopleWord(total)}`);
      yes.addEventListener("click", () => busy(yes, "Moviendo…", async () => {
        try {
          const res = await api.move(n.id, target.id);
          toast(`Se movieron ${peopleWord(res.moved)} bajo ${target.name}.`, "ok");
          v.panel = null;
          await refreshAll();
        } catch (err) { alert.fail(err); }
      }));
      replace(confirmBox, h("div", { class: "confirm", role: "alert" }, h("p", { "data-testid": "move-confirm-text" }, text),
        h("div", { class: "actions" }, yes, h("button", { type: "button", class: "btn ghost", onClick: () => replace(confirmBox) }, "No mover"))));
      yes.focus();
    }
    v.panel = panel;
    drawCard(v);
    q.input.focus();
  }

  // ------------------------------------------------------------ search

  const sq = field({ label: "Buscar en tu red", name: "q", type: "search", hint: "Nombre o cédula de alguien de tu red." });
  const sResults = h("ul", { class: "search-results", "aria-live": "polite", "data-testid": "search-results" });
  const sBtn = h("button", { type: "submit", class: "btn secondary" }, "Buscar");
  const searchForm = h("form", { class: "search-form card", role: "search", "aria-label": "Buscar en tu red", onSubmit: async (e) => {
    e.preventDefault();
    const text = sq.value.trim();
    if (!text) { sq.setError("Escribe un nombre o una cédula."); return; }
    sq.setError("");
    await busy(sBtn, "Buscando…", async () => {
      try {
        const res = await api.search(text);
        replace(sResults, res.items.length ? res.items.map((p) => h("li", {}, h("button", {
          type: "button", class: "link-btn", onClick: () => reveal(p.path),
        }, `${p.name} (${ROLES[p.role] || p.role})`))) : h("li", {}, "Nadie con ese nombre o cédula en tu red."));
      } catch (err) { toast(message(err), "warn"); }
    });
  } }, sq.el, h("div", { class: "actions" }, sBtn), sResults);

  /** reveal opens the branches from the root down to the last id of path and shows that person. */
  async function reveal(path) {
    const ids = path[0] === rootId ? path : [rootId, ...path];
    for (let i = 0; i < ids.length - 1; i++) {
      const v = views.get(ids[i]);
      if (!v) break;
      if (!v.open) await open(v);
      while (!views.has(ids[i + 1]) && v.ids.length < v.total) await loadChildren(v, v.page + 1);
    }
    const target = views.get(ids[ids.length - 1]);
    if (!target) { toast("No encontramos a esa persona en tu red.", "warn"); return; }
    for (const el of tree.querySelectorAll(".node-card.found")) el.classList.remove("found");
    target.card.classList.add("found");
    target.card.scrollIntoView({ block: "center" });
    target.card.focus();
  }

  // ------------------------------------------------------------ ranking

  async function loadRanking() {
    let res;
    try {
      res = await api.ranking(rootId, rank.by, 1, rank.shown);
    } catch (err) { toast(message(err), "warn"); return; }
    const how = RANKINGS.find((r) => r.id === rank.by);
    replace(rank.tabs, RANKINGS.map((r) => h("button", {
      type: "button", class: "tab", "aria-pressed": String(r.id === rank.by), "data-by": r.id,
      onClick: () => { rank.by = r.id; rank.shown = RANK_PAGE; loadRanking(); },
    }, r.label)));
    replace(rank.list, res.items.length ? [
      h("ol", { class: "ranking", "aria-label": `Líderes por ${how.label.toLowerCase()}` }, res.items.map((n, i) =>
        h("li", { "data-id": n.id },
          h("span", { class: "rank-pos", "aria-hidden": "true" }, `${i + 1}.`),
          h("span", { class: "rank-name" }, n.path && n.path.length ? h("button", {
            type: "button", class: "link-btn", onClick: () => reveal(n.path), "aria-label": `${n.name}: ver en el árbol`,
          }, n.name) : n.name, h("span", { class: "hint" },
            ` · ${ROLES[n.role] || n.role}${rank.by === "size" ? "" : ` · ${peopleWord(n.subtree_count)}`}`)),
          h("strong", { class: "rank-value", "data-value": String(n.value) }, how.value(n.value))))),
      res.totalItems > res.items.length ? h("div", { class: "more" }, h("button", {
        type: "button", class: "btn secondary small", onClick: () => { rank.shown += RANK_PAGE; loadRanking(); },
      }, `Ver más líderes (${formatNumber(res.totalItems - res.items.length)} restantes)`)) : null,
    ] : h("p", {}, "Aún no hay líderes en tu red."));
  }

  // ------------------------------------------------------------ live

  let top = null;
  async function loadTop() {
    const n = await api.node("me");
    rootId = n.id;
    if (!top) {
      top = view(n);
      replace(tree, top.li);
    } else view(n);
    const levels = n.levels.length;
    summary.textContent = `${peopleWord(n.subtree_count)} en tu red, en ${levels === 1 ? "1 nivel" : `${levels} niveles`}` +
      (n.joined_7d ? `; ${formatNumber(n.joined_7d)} llegaron en los últimos 7 días.` : ".");
  }

  /** refreshAll refetches everything on screen (after a reconnect or a move). */
  async function refreshAll() {
    try {
      await loadTop();
      const open = [...views.values()].filter((v) => v.open && v.page);
      for (const v of open) if (v.li.isConnected) await reloadChildren(v);
      const ids = [...views.keys()];
      await Promise.all(ids.map(async (id) => { try { view(await api.node(id)); } catch { /* gone */ } }));
      await loadRanking();
    } catch (err) { toast(message(err), "warn"); }
  }

  // Events within one burst are applied together.
  const pendingNodes = new Set();
  const pendingBranches = new Set();
  let timer = null;
  function onEvent(e) {
    const ids = [...(e.ancestors || []), e.node, e.parent].filter(Boolean);
    for (const id of ids) pendingNodes.add(id);
    if (e.action === "move" || e.action === "delete") for (const id of ids) pendingBranches.add(id);
    else if (e.action === "registration" && e.parent) pendingBranches.add(e.parent);
    clearTimeout(timer);
    timer = setTimeout(flush, 120);
  }
  async function flush() {
    const nodes = [...pendingNodes].filter((id) => views.has(id));
    const branches = [...pendingBranches].map((id) => views.get(id)).filter((v) => v && v.open && v.page);
    pendingNodes.clear();
    pendingBranches.clear();
    try {
      await Promise.all(nodes.map(async (id) => {
        if (id === rootId) return loadTop();
        try { view(await api.node(id)); } catch { /* moved out of reach or deleted */ }
      }));
      for (const v of branches) await reloadChildren(v);
      await loadRanking();
    } catch (err) { toast(message(err), "warn"); }
  }

  root.append(title("La red"), summary, searchForm,
    h("section", { class: "card tree-card", "aria-labelledby": "tree-h" }, h("h2", { id: "tree-h" }, "Tu red, rama por rama"), tree),
    h("section", { class: "card rank-card", "aria-labelledby": "rank-h" }, h("h2", { id: "rank-h" }, "Ranking de líderes"), rank.tabs, rank.list));
  const offs = [await subscribeTopic("red", onEvent), await onReconnect(refreshAll)];
  try {
    await loadTop();
    await open(top);
    await loadRanking();
  } catch (err) { toast(message(err), "warn"); }
  return () => { clearTimeout(timer); offs.forEach((o) => o()); };
}
