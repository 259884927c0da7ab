package webtest_test

import (
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-rod/rod/lib/proto"

	"github.com/padron/padron/apptest"
)

var (
	axeOnce sync.Once
	axeSrc  string
	axeErr  error
)

// axe runs the vendored axe-core on the page and fails on serious or
// critical violations.
func (tb *tab) axe(name string) {
	tb.t.Helper()
	axeOnce.Do(func() {
		b, err := os.ReadFile("testdata/axe.min.js")
		axeSrc, axeErr = string(b), err
	})
	if axeErr != nil {
		tb.t.Fatal(axeErr)
	}
	if _, err := (proto.RuntimeEvaluate{Expression: axeSrc}).Call(tb.Page); err != nil {
		tb.t.Fatalf("inject axe: %v", err)
	}
	res, err := tb.Eval(`async () => {
		const r = await axe.run(document, { resultTypes: ["violations"] });
		return JSON.stringify(r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
			nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) })));
	}`)
	if err != nil {
		tb.t.Fatalf("axe run on %s: %v", name, err)
	}
	var vs []struct {
		ID, Impact, Help string
		Nodes            []string
	}
	if err := json.Unmarshal([]byte(res.Value.Str()), &vs); err != nil {
		tb.t.Fatal(err)
	}
	for _, v := range vs {
		if v.Impact == "serious" || v.Impact == "critical" {
			tb.t.Errorf("axe %s on %s: %s (%s) at %v", v.Impact, name, v.ID, v.Help, v.Nodes)
		} else {
			tb.t.Logf("axe %s on %s: %s (%s)", v.Impact, name, v.ID, v.Help)
		}
	}
}

// TestEveryPage opens every page at phone and desktop widths: screenshots,
// axe-core, no foreign requests, no script errors.
func TestEveryPage(t *testing.T) {
	e := newEnv(t)
	c := e.cast
	// Give the pages something to show: LeaderA's referidos in every state,
	// and one referido for MemberA.
	e.setInfo(t, c.MemberA.ID, map[string]any{"status": "active", "departamento": "ANTIOQUIA", "municipio": "MEDELLIN",
		"puesto": "IE SAN JOSE", "direccion": "CL 10 # 20-30", "mesa": "12", "fetched_at": time.Now().Add(-3 * time.Hour)})
	for i, st := range []string{"pending", "processing", "cancelled_deceased", "error", "not_found"} {
		id := e.addUser(t, []string{"Pedro Pérez", "María Gómez", "José Ñáñez", "Luisa Díaz", "Ana María Ríos"}[i],
			[]string{"30000001", "30000002", "30000003", "30000004", "30000005"}[i], "member", c.LeaderA.ID)
		fields := map[string]any{"status": st}
		if st == "cancelled_deceased" {
			fields["novedad"] = "Cancelada por Muerte"
			fields["resolucion"] = "1234 de 2020"
			fields["fecha_novedad"] = "2020-05-01"
		}
		if st == "error" {
			fields["error_message"] = "site_changed: selector not found"
		}
		e.setInfo(t, id, fields)
	}
	e.addUser(t, "Sofía Referida De Ana", "40000001", "member", c.MemberA.ID)

	type pg struct {
		name, path string
		who        *apptest.Person
		ready      string // a selector whose presence says the data arrived
		text       string
	}
	pages := []pg{
		{name: "ingreso", path: "/ingreso", text: "Ingresar"},
		{name: "registro-ref", path: "/registro?ref=" + c.LeaderA.ReferralCode, ready: ".invited", text: "Lucía"},
		{name: "registro-ref-desconocido", path: "/registro?ref=NOEXISTE", ready: ".note", text: "No reconocemos"},
		{name: "reclamo", path: "/reclamo?cedula=20.000.001", text: "Reportar una cédula"},
		{name: "politica", path: "/politica-de-datos", text: "Versión"},
		{name: "404", path: "/no-existe", text: "Página no encontrada"},
		{name: "inicio-miembro", path: "/inicio", who: &c.MemberA, ready: "[data-testid=ref-count]", text: "Medellín"},
		{name: "perfil-miembro", path: "/perfil", who: &c.MemberA, ready: "[data-status=active]", text: "IE SAN JOSE"},
		{name: "referidos-miembro", path: "/referidos", who: &c.MemberA, ready: "[data-testid=referidos-list] li", text: "Sofía"},
		{name: "referidos-miembro-vacio", path: "/referidos", who: &c.MemberB, ready: ".empty", text: "Aún no tienes referidos"},
		{name: "inicio-lider", path: "/inicio", who: &c.LeaderA, ready: "[data-testid=ref-count]", text: "de 10"},
		{name: "inicio-admin", path: "/inicio", who: &apptest.Person{Cedula: "admin@padron.test"}, text: "panel de administración"},
		{name: "perfil-admin", path: "/perfil", who: &apptest.Person{Cedula: "admin@padron.test"}, text: "cuenta de administrador"},
		{name: "referidos-lider", path: "/referidos", who: &c.LeaderA, ready: "[data-testid=referidos-table] tbody tr", text: "Cancelada por muerte"},
	}
	for _, width := range []int{390, 1280} {
		for _, p := range pages {
			tb := open(t, e.srv.URL, "", width)
			if p.who != nil {
				tb.login(p.who.Cedula, apptest.Password, true)
			}
			tb.nav(p.path)
			if p.ready != "" {
				tb.until(p.ready, `(s) => !!document.querySelector(s)`, p.ready)
			}
			tb.waitText("main", p.text)
			if p.name == "referidos-lider" {
				tb.click("tr[data-status=cancelled_deceased] .row-actions .ghost") // expand a row with its novedad
				tb.waitText("tr.detail", "1234 de 2020")
			}
			tb.screenshot(p.name, width)
			tb.axe(p.name)
			tb.checkClean()
		}
	}

	// The server answers 404 for unknown paths, 200 for the app's routes.
	for path, want := range map[string]int{"/no-existe": 404, "/inicio": 200, "/registro": 200, "/reclamo": 200, "/": 200} {
		res, err := http.Get(e.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != want {
			t.Errorf("GET %s: %d, want %d", path, res.StatusCode, want)
		}
	}
}

func TestShortLinkLeadsToRegistration(t *testing.T) {
	e := newEnv(t)
	tb := open(t, e.srv.URL, "/r/"+e.cast.LeaderA.ReferralCode, 390)
	tb.waitPath("/registro")
	tb.waitText(".invited", "Te invitó: Lucía")
	if !strings.Contains(tb.url(), "ref="+e.cast.LeaderA.ReferralCode) {
		t.Errorf("short link landed on %s", tb.url())
	}
	tb.checkClean()
}
