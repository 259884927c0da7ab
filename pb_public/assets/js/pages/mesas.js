// Testigos y resultados: the mesas where the manager's people vote (most
// people first), which have a testigo of the campaign and which do not
// (assign one from the people of that puesto), and the E-14 results summed
// for the campaign, by municipio and by puesto. Live through the testigos
// and e14_reports subscriptions (a new assignment or report refetches) and
// the dia-d topic: each "ya votó" mark moves its mesa's "votaron" count,
// counted here from the caller's people and the election's live marks.
import { h, replace, debounce } from "../dom.js";
import { title, toast } from "../ui.js";
import { pb, message, isLeader, isSuperuser } from "../session.js";
import { onReconnect, subscribe, subscribeTopic } from "../live.js";
import { formatNumber, formatDateTime } from "../format.js";
import { loadPeople, markState, applyMark } from "./diad.js";
import { placeName } from "../census.js";

const pct = (a, b) => (b ? Math.round((100 * a) / b) : 0);
const placeOf = (m) => `${m.puesto} (${placeName(m.municipio)})`;
/** fold is a place name as the coverage spells it: blanks collapsed, upper case. */
const fold = (s) => String(s || "").split(/\s+/).filter(Boolean).join(" ").toUpperCase();

/** region is a scrollable table wrapper the keyboard can reach. */
function region(label, table) {
  return h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": label }, table);
}

/** totalsTable is the campaign's E-14 totals: each option, blank, null, unmarked and total. */
function totalsTable(total) {
  const valid = total.options.reduce((a, o) => a + o.votes, 0);
  const rows = [
    ...total.options.map((o) => [o.option, o.votes, `${pct(o.votes, valid)} %`]),
    ["Votos en blanco", total.blank, ""], ["Votos nulos", total.null_votes, ""],
    ["Tarjetas no marcadas", total.unmarked, ""], ["Total de votos", total.total, ""],
  ];
  return region("Resultados de la campaña", h("table", { class: "stats", "data-testid": "results-total" },
    h("caption", {}, "Toda la campaña"),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Opción"), h("th", { scope: "col", class: "num" }, "Votos"),
      h("th", { scope: "col", class: "num" }, h("abbr", { title: "Porcentaje de los votos por opciones" }, "%")))),
    h("tbody", {}, rows.map(([name, n, p]) => h("tr", {}, h("th", { scope: "row" }, name),
      h("td", { class: "num" }, formatNumber(n)), h("td", { class: "num" }, p))))));
}

/** groupTable is results by place: a column per option, the total and mesas reported of covered. */
function groupTable(caption, groups, options, nameOf, testid) {
  return region(caption, h("table", { class: "stats", "data-testid": testid },
    h("caption", {}, caption),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Lugar"),
      options.map((o) => h("th", { scope: "col", class: "num" }, o)),
      h("th", { scope: "col", class: "num" }, "Total"), h("th", { scope: "col", class: "num" }, "Mesas"))),
    h("tbody", {}, groups.length === 0
      ? h("tr", {}, h("td", { colspan: String(options.length + 3) }, "Sin reportes todavía."))
      : groups.map((g) => h("tr", {}, h("th", { scope: "row" }, nameOf(g)),
        g.options.map((o) => h("td", { class: "num" }, formatNumber(o.votes))),
        h("td", { class: "num" }, formatNumber(g.total)),
        h("td", { class: "num" }, `${formatNumber(g.mesas_reported)} de ${formatNumber(g.mesas_covered)}`))))));
}

/** openPhoto opens a report's protected photo with a short-lived file token. */
async function openPhoto(m) {
  const win = window.open("", "_blank");
  try {
    const token = await pb.files.getToken();
    const url = pb.files.getURL({ id: m.id, collectionName: "e14_reports" }, m.photo, { token });
    if (win) win.location = url; else location.href = url;
  } catch (err) {
    if (win) win.close();
    toast(message(err, "No pudimos abrir la foto."), "warn");
  }
}

export default async function mesas(root) {
  root.append(title("Testigos y resultados"));
  if (!isLeader() && !isSuperuser()) {
    root.append(h("p", {}, "Esta página es para líderes y coordinadores."),
      h("p", {}, h("a", { href: "/inicio" }, "Volver al inicio")));
    return;
  }
  const canAssign = isLeader();
  let coverage = null;
  let results = null;
  let people = null; // the caller's people, loaded after the coverage
  let assigning = ""; // the mesa whose assignment form is open
  let choice = ""; // the person picked in the open assignment form, kept across redraws
  const marks = markState(); // the election's live marks by user: the dia-d topic keeps them
  let mesaOf = null; // user id → mesa key of the caller's voting people, once people and marks are in
  let pending = []; // dia-d events that came while the marks loaded, replayed after them
  const filter = { municipio: "", puesto: "", sinTestigo: false };

  const line = h("p", { class: "lead", "data-testid": "election-line" });
  const covSection = h("section", { class: "card", "aria-labelledby": "cov-h" });
  const resSection = h("section", { class: "card", "aria-labelledby": "res-h" });
  root.append(line,
    h("div", { class: "actions no-print" }, h("a", { href: "/dia-d", class: "btn secondary" }, "Volver al Día D")),
    resSection, covSection);

  const key = (m) => `${m.departamento}|${m.municipio}|${m.puesto}|${m.mesa}`;

  async function load() {
    try {
      [coverage, results] = await Promise.all([pb.send("/api/dia-d/coverage", {}), pb.send("/api/dia-d/results", {})]);
    } catch (err) {
      replace(covSection, h("p", { class: "form-error", role: "alert" }, message(err, "No pudimos cargar las mesas.")));
      replace(resSection);
      return;
    }
    draw();
  }
  const reload = debounce(load, 250);

  /** loadVotes reads the caller's people and the election's live marks; from
   * then on the dia-d events keep the "votaron" counts. Events that come
   * while the marks load are replayed after them (a mark is keyed by its
   * person, so replaying one the list already had changes nothing). */
  async function loadVotes() {
    if (!coverage) { pending = null; return; }
    const election = coverage.election.id;
    pending = pending || [];
    let list;
    try {
      const [loaded, live] = await Promise.all([loadPeople(),
        pb.collection("vote_marks").getFullList({ filter: pb.filter("election = {:e} && status = 'live'", { e: election }), batch: 1000 })]);
      people = loaded.people;
      list = live;
    } catch {
      pending = null;
      return; // the coverage's own counts stay; a reconnection tries again
    }
    marks.live.clear();
    for (const m of list) applyMark(marks, m);
    for (const e of pending) if (e.record?.election === election) applyMark(marks, e.record);
    pending = null;
    mesaOf = new Map();
    for (const p of people) {
      if (p.status === "active" && p.puesto && p.mesa) mesaOf.set(p.id, [p.departamento, p.municipio, p.puesto, p.mesa].map(fold).join("|"));
    }
    covSection.dataset.votes = "live";
    draw();
  }
  const reloadVotes = debounce(() => { pending = []; mesaOf = null; delete covSection.dataset.votes; loadVotes(); }, 250);

  /** votedByMesa counts the live marks by mesa, or null before they load. */
  function votedByMesa() {
    if (!mesaOf) return null;
    const n = new Map();
    for (const user of marks.live.keys()) {
      const k = mesaOf.get(user);
      if (k) n.set(k, (n.get(k) || 0) + 1);
    }
    return n;
  }

  let drawing = false;
  function onMark(e) {
    if (pending) { pending.push(e); return; }
    if (!coverage || e.record?.election !== coverage.election.id) return;
    applyMark(marks, e.record);
    if (!drawing) { drawing = true; setTimeout(() => { drawing = false; draw(); }, 100); } // a burst draws once
  }

  function drawResults() {
    const r = results;
    const options = r.election.options || [];
    replace(resSection, h("h2", { id: "res-h" }, "Resultados E-14"),
      h("p", { class: "big", "data-testid": "results-reported" },
        h("strong", {}, formatNumber(r.total.mesas_reported)), ` de ${formatNumber(r.total.mesas_covered)} mesas con testigo reportaron`),
      r.total.flagged ? h("p", { class: "note" }, `${formatNumber(r.total.flagged)} E-14 no suman bien y quedaron marcados para revisión.`) : null,
      totalsTable(r.total),
      groupTable("Por municipio", r.by_municipio, options, (g) => placeName(g.municipio), "results-municipio"),
      groupTable("Por puesto", r.by_puesto, options, placeOf, "results-puesto"),
      r.mesas.length ? h("details", {},
        h("summary", {}, `Reportes por mesa (${formatNumber(r.mesas.length)})`),
        h("ul", { class: "plain-list", "data-testid": "results-mesas" }, r.mesas.map((m) => h("li", {},
          h("span", {}, h("span", { class: "name" }, `Mesa ${m.mesa}`), ` · ${placeOf(m)}`),
          h("span", { class: "muted" }, `${m.testigo_name || "Testigo"} · ${formatDateTime(m.reported_at)}`),
          h("span", {}, m.options.map((o) => `${o.option}: ${formatNumber(o.votes)}`).join(" · "), ` · Total ${formatNumber(m.total)}`),
          m.flagged ? h("span", { class: "badge warn", title: m.flag_reason }, "Revisar: no suma") : null,
          m.photo ? h("button", { type: "button", class: "btn small ghost", onClick: () => openPhoto(m), "aria-label": `Ver la foto del E-14 de la mesa ${m.mesa}, ${placeOf(m)}` }, "Ver foto") : null)))) : null);
  }

  function assignForm(m) {
    const id = `assign-${key(m).replace(/[^A-Za-z0-9]/g, "-")}`;
    if (!people) {
      loadPeople().then((res) => { people = res.people; draw(); })
        .catch((err) => { toast(message(err, "No pudimos cargar tu gente."), "warn"); assigning = ""; draw(); });
      return h("p", { class: "muted" }, "Cargando tu gente…");
    }
    const taken = new Set(coverage.mesas.filter((x) => x.testigo).map((x) => x.testigo.user));
    const here = people.filter((p) => p.puesto.toUpperCase() === m.puesto && p.municipio.toUpperCase() === m.municipio && !taken.has(p.id));
    const others = people.filter((p) => !here.includes(p) && !taken.has(p.id) && p.status === "active").slice(0, 300);
    const opt = (p, label) => h("option", { value: p.id, selected: p.id === choice }, label);
    const select = h("select", { id, required: true, onChange: (e) => { choice = e.target.value; } },
      h("option", { value: "" }, "Elige a una persona"),
      here.length ? h("optgroup", { label: `Votan en ${m.puesto}` }, here.map((p) => opt(p, `${p.name} (mesa ${p.mesa || "—"})`))) : null,
      others.length ? h("optgroup", { label: "Otras personas de tu red" }, others.map((p) => opt(p, p.name))) : null);
    const form = h("form", { class: "assign-form", "data-testid": "assign-form" },
      h("label", { for: id }, `Testigo para la mesa ${m.mesa}`), select,
      h("span", { class: "assign-actions" },
        h("button", { type: "submit", class: "btn small primary" }, "Asignar"),
        h("button", { type: "button", class: "btn small ghost", onClick: () => { assigning = ""; draw(); } }, "Cancelar")));
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      if (!select.value) { select.focus(); return; }
      form.querySelector("[type=submit]").disabled = true;
      try {
        await pb.collection("testigos").create({
          user: select.value, election: coverage.election.id, assigned_by: pb.authStore.record.id,
          departamento: m.departamento, municipio: m.municipio, puesto: m.puesto, mesa: m.mesa,
        });
        toast("Testigo asignado.", "ok", 3000);
        assigning = "";
        await load();
      } catch (err) {
        toast(message(err, "No pudimos asignar el testigo."), "warn", 8000);
        form.querySelector("[type=submit]").disabled = false;
      }
    });
    return form;
  }

  function testigoCell(m) {
    if (m.testigo) return h("span", { class: "badge ok" }, `Testigo: ${m.testigo.name}`);
    if (m.covered_elsewhere) return h("span", { class: "badge wait" }, "Cubierta por otra rama");
    if (!canAssign) return h("span", { class: "badge warn" }, "Sin testigo");
    if (assigning === key(m)) return assignForm(m);
    return h("span", { class: "mark-cell" }, h("span", { class: "badge warn" }, "Sin testigo"),
      h("button", {
        type: "button", class: "btn small primary", "aria-label": `Asignar testigo a la mesa ${m.mesa}, ${placeOf(m)}`,
        onClick: () => { assigning = key(m); choice = ""; draw(); requestAnimationFrame(() => covSection.querySelector("[data-testid=assign-form] select")?.focus()); },
      }, "Asignar"));
  }

  function drawCoverage() {
    const c = coverage;
    const counted = votedByMesa();
    const voted = (m) => (counted ? counted.get(key(m)) || 0 : m.voted);
    const votedTotal = counted ? c.mesas.reduce((a, m) => a + voted(m), 0) : c.totals.voted;
    const municipios = [...new Set(c.mesas.map((m) => m.municipio))].sort();
    const puestos = [...new Set(c.mesas.filter((m) => !filter.municipio || m.municipio === filter.municipio).map((m) => m.puesto))].sort();
    if (!puestos.includes(filter.puesto)) filter.puesto = "";
    const shown = c.mesas.filter((m) => (!filter.municipio || m.municipio === filter.municipio) &&
      (!filter.puesto || m.puesto === filter.puesto) && (!filter.sinTestigo || (!m.testigo && !m.covered_elsewhere)));
    const sel = (id, label, value, values, onChange) => h("span", { class: "check-inline" },
      h("label", { for: id }, label),
      h("select", { id, onChange: (e) => { onChange(e.target.value); draw(); } },
        h("option", { value: "" }, "Todos"), values.map((v) => h("option", { value: v, selected: v === value }, v))));
    replace(covSection, h("h2", { id: "cov-h" }, "Cobertura de mesas"),
      h("p", { "data-testid": "coverage-totals" },
        h("strong", {}, formatNumber(c.totals.covered)), ` de ${formatNumber(c.totals.mesas)} mesas con testigo · `,
        `${formatNumber(c.totals.people)} personas, `, h("span", { "data-testid": "coverage-voted" }, `${formatNumber(votedTotal)} votaron`)),
      h("div", { class: "toolbar no-print" },
        sel("f-municipio", "Municipio", filter.municipio, municipios, (v) => { filter.municipio = v; }),
        sel("f-puesto", "Puesto", filter.puesto, puestos, (v) => { filter.puesto = v; }),
        h("label", { class: "check-inline" }, h("input", {
          type: "checkbox", checked: filter.sinTestigo, onChange: (e) => { filter.sinTestigo = e.target.checked; draw(); },
        }), "Solo mesas sin testigo")),
      shown.length === 0 ? h("p", { class: "empty" }, c.mesas.length ? "Ninguna mesa con ese filtro." : "Todavía no sabemos dónde vota tu gente.") : null,
      h("ul", { class: "plain-list mesa-list", "data-testid": "coverage" }, shown.map((m) => h("li", { "data-mesa": key(m) },
        h("span", {}, h("span", { class: "name" }, `Mesa ${m.mesa}`), ` · ${placeOf(m)}`),
        h("span", { class: "muted" }, `${formatNumber(m.people)} ${m.people === 1 ? "persona" : "personas"} · `,
          h("span", { "data-testid": "mesa-voted" }, `${formatNumber(voted(m))} votaron`)),
        h("span", { class: "mesa-status" }, testigoCell(m), " ",
          m.e14_reported ? h("span", { class: m.e14_flagged ? "badge warn" : "badge ok" }, m.e14_flagged ? "E-14: revisar" : "E-14 recibido")
            : h("span", { class: "badge wait" }, "E-14 pendiente"))))));
  }

  function draw() {
    if (!coverage || !results) return;
    line.textContent = coverage.election.name;
    drawResults();
    // Before any E-14 the coverage is the work at hand; after, the results.
    const [a, b] = results.total.mesas_reported > 0 ? [resSection, covSection] : [covSection, resSection];
    if (a.nextElementSibling !== b) b.before(a);
    const focused = document.activeElement && covSection.contains(document.activeElement) ? document.activeElement.id : "";
    const picking = covSection.querySelector("[data-testid=assign-form] select");
    if (picking) choice = picking.value;
    drawCoverage();
    if (focused) document.getElementById(focused)?.focus();
  }

  const stops = [
    await subscribe("testigos", "*", () => reload()),
    await subscribe("e14_reports", "*", () => reload()),
    await subscribeTopic("dia-d", onMark),
    await onReconnect(() => { reload(); reloadVotes(); }),
  ];
  await load();
  loadVotes();
  return () => { reload.cancel(); reloadVotes.cancel(); for (const s of stops) s(); };
}
