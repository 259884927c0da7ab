// Día D: the manager's election-day dashboard. Turnout (voted / expected,
// expected = census says they can vote) by branch, municipio and puesto, a
// chart of votes per hour, and the pendientes of each puesto with a call and
// a WhatsApp link (only while the person authorises messages) and a
// one-tap mark (undo for five minutes). Live through the dia-d topic: marks,
// and each person's messaging authorisation given or withdrawn (or their
// account gone); marks made offline wait in the outbox.
import { h, replace } from "../dom.js";
import { title, toast, adminCard } from "../ui.js";
import { pb, message, isSuperuser, isLeader } from "../session.js";
import { onReconnect, subscribeTopic } from "../live.js";
import { formatNumber, formatCedula } from "../format.js";
import { STATUS } from "../census.js";
import {
  currentElection, isOpen, hourLabel, queueMark, undo, onOutbox, onSent, flush, UNDO_MS,
} from "../diad.js";

/** loadPeople fetches the caller's people (and keeps a copy for offline reading). */
export async function loadPeople() {
  const key = `padron_diad_people_${pb.authStore.record?.id}`;
  try {
    const res = await pb.send("/api/dia-d/people", {});
    try { localStorage.setItem(key, JSON.stringify(res.people)); } catch { /* full or private */ }
    return { people: res.people, cached: false };
  } catch (err) {
    const raw = localStorage.getItem(key);
    if (raw && (err?.status === 0 || !navigator.onLine)) return { people: JSON.parse(raw), cached: true };
    throw err;
  }
}

/** download fetches an authenticated file and saves it. */
export async function download(path, name) {
  try {
    const res = await fetch(path, { headers: { Authorization: pb.authStore.token } });
    if (!res.ok) throw Object.assign(new Error("download"), { status: res.status, response: await res.json().catch(() => ({})) });
    const url = URL.createObjectURL(await res.blob());
    const a = h("a", { href: url, download: name, class: "visually-hidden" }, name);
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  } catch (err) {
    toast(message(err, "No pudimos descargar el archivo."), "warn");
  }
}

/** applyPerson folds a dia-d person event (consent given or withdrawn, account gone) into people; returns the list. */
export function applyPerson(people, ev) {
  if (!ev.person?.id) return people;
  if (ev.action === "delete") return people.filter((p) => p.id !== ev.person.id);
  const p = people.find((x) => x.id === ev.person.id);
  if (p && ev.action === "consent") p.contact_consent = !!ev.person.contact_consent;
  return people;
}

/** markState tracks the live marks and the unsent ones, by user. */
export function markState() {
  return { live: new Map(), queued: new Map() };
}

/** applyEvent folds a vote_marks record into st. */
export function applyMark(st, rec) {
  if (rec.status === "live") st.live.set(rec.user, rec);
  else if (st.live.get(rec.user)?.id === rec.id) st.live.delete(rec.user);
}

/** markControl is a person's mark button, pending badge or undo. */
export function markControl(st, election, person, method, rerender) {
  const queued = st.queued.get(person.id);
  const live = st.live.get(person.id);
  if (queued) {
    return h("span", { class: "mark-cell" },
      h("span", { class: "badge wait", "data-testid": `pending-${person.id}` }, "Pendiente de enviar"), " ",
      h("button", { type: "button", class: "btn small ghost", onClick: async () => { await undo(queued.id); rerender(); } }, "Deshacer"));
  }
  if (live) {
    const recent = live.marked_by === pb.authStore.record?.id && Date.now() - new Date(live.marked_at.replace(" ", "T")).getTime() < UNDO_MS;
    return h("span", { class: "mark-cell" },
      h("span", { class: "badge ok", "data-testid": `voted-${person.id}` }, `Votó ${hourLabel(live.marked_at)}`),
      recent ? [" ", h("button", {
        type: "button", class: "btn small ghost",
        onClick: async (ev) => {
          ev.target.disabled = true;
          try { await undo(live.id); st.live.delete(person.id); toast("Marca deshecha.", "ok", 3000); } catch (err) { toast(message(err), "warn"); }
          rerender();
        },
      }, "Deshacer")] : null);
  }
  if (!isOpen(election)) return h("span", { class: "muted" }, "—");
  return h("button", {
    type: "button", class: "btn small primary", "data-testid": `mark-${person.id}`,
    "aria-label": `Marcar votó: ${person.name}`,
    onClick: async (ev) => {
      ev.target.disabled = true;
      try { await queueMark(election, person.id, method); } catch (err) { toast(message(err), "warn"); }
      rerender();
    },
  }, "Marcar votó");
}

const pct = (a, b) => (b ? Math.round((100 * a) / b) : 0);

function turnoutTable(caption, rows, testid) {
  return h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": caption }, h("table", { class: "stats", "data-testid": testid },
    h("caption", {}, caption),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Nombre"), h("th", { scope: "col", class: "num" }, "Votaron"),
      h("th", { scope: "col", class: "num" }, "Esperados"), h("th", { scope: "col", class: "num" }, "%"))),
    h("tbody", {}, rows.map((r) => h("tr", {}, h("th", { scope: "row" }, r.name || "Sin dato"),
      h("td", { class: "num" }, formatNumber(r.voted)), h("td", { class: "num" }, formatNumber(r.expected)),
      h("td", { class: "num" }, `${pct(r.voted, r.expected)} %`))))));
}

function group(people, st, keyOf) {
  const m = new Map();
  for (const p of people) {
    const [k, name] = keyOf(p);
    const g = m.get(k) || { name, voted: 0, expected: 0 };
    if (p.status === STATUS.ACTIVE) g.expected++;
    if (st.live.has(p.id)) g.voted++;
    m.set(k, g);
  }
  return [...m.values()].sort((a, b) => b.expected - a.expected || a.name.localeCompare(b.name));
}

/** hourChart is a bar chart (SVG) of the live marks per hour of the day. */
function hourChart(st) {
  const counts = new Array(24).fill(0);
  for (const m of st.live.values()) {
    const hr = Number(new Intl.DateTimeFormat("en-US", { hour: "numeric", hourCycle: "h23", timeZone: "America/Bogota" })
      .format(new Date(m.marked_at.replace(" ", "T"))));
    counts[hr]++;
  }
  const hours = [];
  for (let i = 7; i <= 18; i++) hours.push(i);
  const max = Math.max(1, ...hours.map((i) => counts[i]));
  const W = 24, H = 100;
  const label = hours.map((i) => `${i}:00 ${counts[i]}`).join(", ");
  return h("svg:svg", { viewBox: `0 0 ${hours.length * W} ${H + 20}`, class: "hours-chart", role: "img", "aria-label": `Votos por hora: ${label}` },
    hours.map((hr, i) => {
      const bh = Math.round((counts[hr] / max) * H);
      return [
        h("svg:rect", { x: i * W + 3, y: H - bh, width: W - 6, height: bh, fill: "#0b4f8a" }),
        h("svg:text", { x: i * W + W / 2, y: H + 14, "text-anchor": "middle", "font-size": "10", fill: "#1b1f24" }, String(hr)),
      ];
    }));
}

/** waLink is a WhatsApp link with a message the leader can edit before sending. */
function waLink(p) {
  const text = `Hola ${p.name.split(" ")[0]}, hoy es el día de votar. Tu puesto es ${p.puesto}, mesa ${p.mesa}. ¿Ya votaste?`;
  return `https://wa.me/57${p.phone}?text=${encodeURIComponent(text)}`;
}

export default async function diad(root) {
  if (isSuperuser()) {
    root.append(title("Día D"), adminCard("Las elecciones se crean en el panel de administración."));
    return;
  }
  if (!isLeader()) {
    root.append(title("Día D"), h("p", {}, "Esta página es para líderes y coordinadores."),
      h("p", {}, h("a", { href: "/inicio" }, "Volver al inicio")));
    return;
  }
  root.append(title("Día D"));
  const election = await currentElection().catch(() => null);
  if (!election) {
    root.append(h("p", { class: "card" }, "No hay una elección en curso."));
    return;
  }
  const st = markState();
  // What the dia-d topic said about people (person id -> event) since the
  // list's last fetch began: an event that overtakes the fetch is laid over
  // its older answer instead of being undone by it.
  const heard = new Map();
  let people = [];
  let sortBy = "nombre";
  const status = h("p", { class: "lead", "data-testid": "election-line" });
  const summary = h("section", { class: "card", "aria-labelledby": "turnout-h" });
  const tables = h("section", { class: "card", "aria-labelledby": "tables-h" });
  const chart = h("section", { class: "card", "aria-labelledby": "chart-h" });
  const pend = h("section", { class: "card", "aria-labelledby": "pend-h" });
  const outbox = h("p", { class: "note", role: "status", "data-testid": "outbox" });
  root.append(status, outbox,
    h("div", { class: "actions no-print" },
      h("a", { href: "/dia-d/listas", class: "btn secondary" }, "Listas por puesto"),
      h("a", { href: "/dia-d/mesas", class: "btn secondary" }, "Testigos y resultados"),
      h("button", { type: "button", class: "btn secondary", onClick: () => download("/api/dia-d/lists.xlsx", "listas-dia-d.xlsx") }, "Descargar Excel"),
      h("button", { type: "button", class: "btn secondary", onClick: () => download("/api/dia-d/lists.csv?sep=semicolon", "listas-dia-d.csv") }, "Descargar CSV")),
    summary, chart, tables, pend);

  let raf = 0;
  const render = () => { if (!raf) raf = requestAnimationFrame(() => { raf = 0; draw(); }); };
  function draw() {
    const open = isOpen(election);
    status.textContent = `${election.name}, de ${hourLabel(election.opens_at)} a ${hourLabel(election.closes_at)}: ${open ? "la votación está abierta." : "la votación está cerrada."}`;
    const expected = people.filter((p) => p.status === STATUS.ACTIVE).length;
    const voted = people.filter((p) => st.live.has(p.id)).length;
    replace(summary, h("h2", { id: "turnout-h" }, "Participación"),
      h("p", { class: "big", "data-testid": "turnout" }, h("strong", {}, formatNumber(voted)), ` de ${formatNumber(expected)} esperados votaron`),
      h("progress", { max: "100", value: String(pct(voted, expected)), "aria-label": `Participación: ${pct(voted, expected)} %` }));
    replace(chart, h("h2", { id: "chart-h" }, "Votos por hora"), hourChart(st));
    replace(tables, h("h2", { id: "tables-h" }, "Por rama, municipio y puesto"),
      turnoutTable("Por rama (cada líder directo)", group(people, st, (p) => [p.branch_id, p.branch_name]), "by-branch"),
      turnoutTable("Por municipio", group(people, st, (p) => [`${p.departamento}|${p.municipio}`, p.municipio]), "by-municipio"),
      turnoutTable("Por puesto", group(people, st, (p) => [`${p.municipio}|${p.puesto}`, p.puesto ? `${p.puesto} (${p.municipio})` : ""]), "by-puesto"));
    const byPuesto = new Map();
    for (const p of people) {
      if (st.live.has(p.id) && !st.queued.has(p.id) && !recentOwn(p)) continue;
      const k = p.puesto ? `${p.puesto} (${p.municipio})` : "Sin lugar de votación";
      if (!byPuesto.has(k)) byPuesto.set(k, []);
      byPuesto.get(k).push(p);
    }
    const cmp = sortBy === "mesa"
      ? (a, b) => (Number(a.mesa) || 0) - (Number(b.mesa) || 0) || a.name.localeCompare(b.name)
      : (a, b) => a.name.localeCompare(b.name);
    replace(pend, h("h2", { id: "pend-h" }, "Pendientes por puesto"),
      h("label", { class: "check-inline" }, "Ordenar por ",
        h("select", { onChange: (e) => { sortBy = e.target.value; render(); } },
          h("option", { value: "nombre", selected: sortBy === "nombre" }, "nombre"),
          h("option", { value: "mesa", selected: sortBy === "mesa" }, "mesa"))),
      byPuesto.size === 0 ? h("p", { class: "empty" }, "No hay pendientes.") : null,
      [...byPuesto.entries()].map(([k, list]) => h("div", { class: "pend-puesto" },
        h("h3", {}, `${k}: ${formatNumber(list.filter((p) => !st.live.has(p.id) && !st.queued.has(p.id)).length)} pendientes`),
        h("ul", { class: "plain-list" }, list.sort(cmp).map((p) => h("li", { class: "pend-row", "data-person": p.id },
          h("span", { class: "name" }, p.name), " ",
          h("span", { class: "muted pend-where" }, `Mesa ${p.mesa || "—"} · C.C. ${formatCedula(p.cedula)}`), " ",
          h("a", { href: `tel:+57${p.phone}`, "aria-label": `Llamar a ${p.name}` }, "Llamar"), " ",
          // WhatsApp only for people who authorised messages (habeas data); a call for everyone.
          p.contact_consent
            ? h("a", { href: waLink(p), target: "_blank", rel: "noopener noreferrer", "aria-label": `Escribir por WhatsApp a ${p.name}` }, "WhatsApp")
            : h("span", { class: "muted", "data-testid": "no-wa" }, "No autorizó mensajes"), " ",
          markControl(st, election, p, "leader", render)))))));
  }
  function recentOwn(p) {
    const m = st.live.get(p.id);
    return m && m.marked_by === pb.authStore.record?.id && Date.now() - new Date(m.marked_at.replace(" ", "T")).getTime() < UNDO_MS;
  }

  async function loadMarks() {
    const marks = await pb.collection("vote_marks").getFullList({ filter: `election = "${election.id}" && status = "live"`, batch: 1000 });
    st.live.clear();
    for (const m of marks) applyMark(st, m);
  }

  /** fetchPeople reads the list and lays over it what was heard meanwhile. */
  async function fetchPeople() {
    heard.clear();
    const loaded = await loadPeople();
    let list = loaded.people;
    for (const ev of heard.values()) list = applyPerson(list, ev);
    return { ...loaded, people: list };
  }

  const stops = [
    // The dia-d topic: the server computes each event's recipients once (a
    // vote_marks/* or users/* subscription costs a rule query per dashboard
    // per save). A person event says who authorises WhatsApp now, or who left.
    await subscribeTopic("dia-d", (e) => {
      if (e.person?.id) {
        heard.set(e.person.id, e);
        people = applyPerson(people, e);
        render();
      } else if (e.record?.election === election.id) {
        applyMark(st, e.record);
        render();
      }
    }),
    // Back after a loss: what was sent meanwhile is lost, so read both again.
    await onReconnect(async () => {
      await Promise.all([
        loadMarks().catch(() => {}),
        fetchPeople().then((r) => { if (!r.cached) people = r.people; }).catch(() => {}),
      ]);
      flush();
      render();
    }),
    onOutbox((items) => {
      st.queued.clear();
      for (const it of items) if (it.kind === "mark") st.queued.set(it.body.user, it);
      outbox.textContent = items.length ? `${formatNumber(items.length)} pendientes de enviar: se enviarán al volver la conexión.` : "";
      render();
    }),
    onSent((item, rec) => { if (item.kind === "mark") { applyMark(st, rec); render(); } }),
  ];
  try {
    const loaded = await fetchPeople();
    people = loaded.people;
    if (loaded.cached) toast("Sin conexión: mostrando la lista guardada.", "warn");
    await loadMarks().catch(() => {});
  } catch (err) {
    root.append(h("p", { class: "form-error", role: "alert" }, message(err, "No pudimos cargar tu gente.")));
  }
  draw();
  flush();
  const tick = setInterval(render, 30000); // only redraws, so undo buttons expire; fetches nothing
  return () => { clearInterval(tick); for (const s of stops) s(); };
}
