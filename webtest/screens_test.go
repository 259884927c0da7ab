package webtest_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/padron/padron/apptest"
)

// dozensCast gives LeaderA 48 referidos in every census situation, with
// long compound names and places in many municipios, three of them leaders
// with people of their own, and MemberA (who can vote) two referidos: the
// app as a leader and a member use it after a few weeks.
func dozensCast(t *testing.T, e *env) {
	t.Helper()
	first := []string{"María de los Ángeles", "José Gregorio", "Ana", "Luz Marina", "Juan Sebastián", "Óscar", "Yeimy Alexandra",
		"Íngrid", "Carlos Andrés", "Ñusta"}
	last := []string{"Rodríguez Villamizar", "Pérez", "Gómez de la Torre", "Núñez Ospina", "Quintero", "Díaz-Granados Arboleda"}
	places := []map[string]any{
		{"departamento": "BOGOTA D.C.", "municipio": "BOGOTA. D.C.", "puesto": "CORFERIAS", "direccion": "CR 37 # 24-67"},
		{"departamento": "ANTIOQUIA", "municipio": "MEDELLIN", "puesto": "INSTITUCION EDUCATIVA SAN JOSE DE LA MONTAÑA", "direccion": "CL 10 # 20-30"},
		{"departamento": "NORTE DE SANTANDER", "municipio": "CUCUTA", "puesto": "COL SAGRADO CORAZON", "direccion": "AV 0 # 11-45"},
		{"departamento": "GUAVIARE", "municipio": "SAN JOSE DEL GUAVIARE", "puesto": "ESC URBANA LA ESPERANZA", "direccion": "CL 8 # 22-10"},
	}
	old := time.Now().Add(-5 * time.Hour).UTC()
	situations := []func(i int) map[string]any{
		func(i int) map[string]any {
			f := map[string]any{"status": "active", "mesa": fmt.Sprint(1 + i%30), "fetched_at": old}
			for k, v := range places[i%len(places)] {
				f[k] = v
			}
			return f
		},
		func(int) map[string]any { return map[string]any{"status": "pending"} },
		func(int) map[string]any { return map[string]any{"status": "not_found", "fetched_at": old} },
		func(int) map[string]any {
			return map[string]any{"status": "cancelled_other", "fetched_at": old, "resolucion": "0777 de 2023", "fecha_novedad": "05/06/2023",
				"novedad": "Vigente con Pérdida o Suspensión de los Derechos Políticos"}
		},
		func(int) map[string]any {
			return map[string]any{"status": "cancelled_deceased", "fetched_at": old, "novedad": "Cancelada por Muerte", "resolucion": "1234 de 2020"}
		},
		func(int) map[string]any { return map[string]any{"status": "processing"} },
		func(int) map[string]any {
			return map[string]any{"status": "blocked", "error_message": "La Registraduría bloqueó temporalmente la consulta."}
		},
		func(i int) map[string]any { // a re-check after an answer keeps the place
			f := map[string]any{"status": "pending", "mesa": "3", "fetched_at": old}
			for k, v := range places[(i+1)%len(places)] {
				f[k] = v
			}
			return f
		},
	}
	var leaders []string
	for i := range 48 {
		role := "member"
		if i%16 == 5 {
			role = "leader"
		}
		name := first[i%len(first)] + " " + last[(i/len(first)+i)%len(last)]
		id := e.addUser(t, name, fmt.Sprint(61000000+i), role, e.cast.LeaderA.ID)
		// Most situations are answers; a few are in flight or failed.
		e.setInfo(t, id, situations[[]int{0, 0, 0, 2, 3, 0, 1, 4, 0, 5, 6, 7, 0, 0, 2, 0}[i%16]](i))
		if role == "leader" {
			leaders = append(leaders, id)
		}
	}
	for j, l := range leaders {
		for k := range 4 {
			id := e.addUser(t, fmt.Sprintf("%s Sub %c", first[(j+k)%len(first)], 'A'+k), fmt.Sprint(62000000+j*10+k), "member", l)
			e.setInfo(t, id, situations[k%3](k))
		}
	}
	e.setInfo(t, e.cast.MemberA.ID, situations[0](1))
	for k := range 2 {
		id := e.addUser(t, []string{"Sofía Referida De Ana", "Bernardo Antonio Castañeda Zuluaga"}[k], fmt.Sprint(63000000+k), "member", e.cast.MemberA.ID)
		e.setInfo(t, id, situations[k*2](k))
	}
}

// TestPagesWithDozens: every page a leader with dozens of referidos and a
// member open, at phone and laptop widths: screenshots kept as artifacts
// (PADRON_SCREENSHOTS), axe with no serious or critical violation, nothing
// wider than the screen, no script error and no foreign request.
func TestPagesWithDozens(t *testing.T) {
	e := newEnv(t)
	dozensCast(t, e)
	c := e.cast
	type pg struct {
		name, path, ready, text string
		who                     apptest.Person
		then                    func(tb *tab, width int)
	}
	pages := []pg{
		{name: "dozens-inicio-lider", path: "/inicio", who: c.LeaderA, ready: "[data-tile=accion] .tile-n", text: "Requieren acción"},
		{name: "dozens-referidos-lider", path: "/referidos", who: c.LeaderA, ready: "[data-testid=referidos-table] tbody tr", text: "Vigente, no puede votar",
			then: func(tb *tab, width int) {
				urgentFirst(t, tb)
				if width >= 1024 {
					roomForNames(t, tb)
				}
				tb.click("tr[data-status=cancelled_other] .row-actions .ghost") // a detail panel open
				tb.waitText("tr.detail", "0777 de 2023")
			}},
		{name: "dozens-referidos-accion", path: "/referidos?filtro=accion", who: c.LeaderA, ready: "[data-testid=active-filter]", text: "Requieren acción"},
		{name: "dozens-red-lider", path: "/red", who: c.LeaderA, ready: "[data-testid=red-summary]", text: "personas en tu red"},
		{name: "dozens-perfil-lider", path: "/perfil", who: c.LeaderA, ready: "#censo", text: "Tu cédula"},
		{name: "dozens-inicio-miembro", path: "/inicio", who: c.MemberA, ready: "[data-testid=ref-count]", text: "Medellín"},
		{name: "dozens-referidos-miembro", path: "/referidos", who: c.MemberA, ready: "[data-testid=referidos-list] li", text: "Bernardo"},
		{name: "dozens-perfil-miembro", path: "/perfil", who: c.MemberA, ready: "[data-status=active]", text: "Cómo llegar"},
	}
	for _, width := range []int{390, 1280} {
		for _, p := range pages {
			tb := open(t, e.srv.URL, "", width)
			tb.login(p.who.Cedula, apptest.Password, true)
			tb.nav(p.path)
			tb.until(p.ready, `(s) => !!document.querySelector(s)`, p.ready)
			tb.waitText("main", p.text)
			if p.then != nil {
				p.then(tb, width)
			}
			tb.noOverflow(p.name)
			tb.screenshot(p.name, width)
			tb.axe(fmt.Sprintf("%s at %d px", p.name, width))
			tb.checkClean()
		}
	}
}

// noOverflow fails when the page scrolls sideways: something is wider than
// the screen (a long name, a table, a link).
func (tb *tab) noOverflow(name string) {
	tb.t.Helper()
	wide := mustEval(tb.t, tb, `() => {
		const w = document.documentElement.clientWidth;
		if (document.documentElement.scrollWidth <= w) return "";
		return [...document.querySelectorAll("main *")].filter((el) => el.getBoundingClientRect().right > w + 1 && !el.closest(".table-scroll"))
			.slice(0, 3).map((el) => el.tagName.toLowerCase() + "." + [...el.classList].join(".") + " " + Math.round(el.getBoundingClientRect().right) + "px").join(", ") || "something outside main";
	}`).Str()
	if wide != "" {
		tb.t.Errorf("%s scrolls sideways: %s", name, wide)
	}
}

// urgentFirst: the list opens sorted by urgency: who needs the leader's
// action, then failed checks, then checks under way, then settled answers;
// within each, by name as a Spanish reader orders them (Íngrid before Juan,
// Ñusta after Núñez).
func urgentFirst(t *testing.T, tb *tab) {
	t.Helper()
	order := mustEval(t, tb, `() => {
		const rank = { not_found: 0, cancelled_deceased: 0, cancelled_other: 0, error: 1, timeout: 1, blocked: 1, pending: 2, processing: 2, active: 3 };
		const rows = [...document.querySelectorAll("tr[data-status]")].map((tr) => [rank[tr.dataset.status], tr.querySelector("td.name").innerText]);
		const es = new Intl.Collator("es");
		const bad = rows.findIndex(([r, n], i) => i > 0 && (rows[i - 1][0] > r || (rows[i - 1][0] === r && es.compare(rows[i - 1][1], n) > 0)));
		if (new Set(rows.map(([r]) => r)).size !== 4) return "not every group: " + rows.map(([r]) => r).join("");
		return bad < 0 ? "" : rows[bad - 1].join(" ") + " before " + rows[bad].join(" ");
	}`).Str()
	if order != "" {
		t.Errorf("the list is not by urgency (0 action, 1 failed, 2 under way, 3 settled), then name in Spanish order: %s", order)
	}
}

// roomForNames: on a laptop the name and the place get the room: the
// status column is no wider than either, names take at most two lines and
// places at most three.
func roomForNames(t *testing.T, tb *tab) {
	t.Helper()
	got := mustEval(t, tb, `() => {
		const w = (s) => document.querySelector("tr[data-status] " + s).getBoundingClientRect().width;
		const lines = (td) => { const r = document.createRange(); r.selectNodeContents(td);
			return Math.round(r.getBoundingClientRect().height / parseFloat(getComputedStyle(td).lineHeight)); };
		const most = (s) => Math.max(...[...document.querySelectorAll("tr[data-status] " + s)].map(lines));
		return { name: w("td.name"), place: w("td.col-place"), status: w("td.col-status"), nameLines: most("td.name"), placeLines: most("td.col-place") };
	}`)
	name, place, status := got.Get("name").Num(), got.Get("place").Num(), got.Get("status").Num()
	if status > name || status > place || got.Get("nameLines").Int() > 2 || got.Get("placeLines").Int() > 3 {
		t.Errorf("laptop columns: name %.0f px (%d lines at most), place %.0f px (%d lines), status %.0f px",
			name, got.Get("nameLines").Int(), place, got.Get("placeLines").Int(), status)
	}
}
