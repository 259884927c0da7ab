package webtest_test

import (
	"testing"
	"time"

	"github.com/go-rod/rod/lib/proto"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/padron/padron/apptest"
)

// diadEnv is the server with a current election open now (two hours each
// side, on the real clock), LeaderA's people placed at one puesto, and
// MemberA as testigo of mesa 12, where Pedro votes.
func diadEnv(t *testing.T) (*env, []string) {
	t.Helper()
	e := newEnv(t)
	c := e.cast
	col, err := e.app.FindCollectionByNameOrId("elections")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	el := core.NewRecord(col)
	el.Id = "elec2026marzo08"
	el.Set("name", "Congreso 2026")
	el.Set("date", now.Truncate(24*time.Hour))
	el.Set("opens_at", now.Add(-2*time.Hour))
	el.Set("closes_at", now.Add(2*time.Hour))
	el.Set("options", []string{"Partido A", "Partido B"})
	el.Set("current", true)
	if err := e.app.Save(el); err != nil {
		t.Fatal(err)
	}
	place := func(id, mesa string) {
		e.setInfo(t, id, map[string]any{"status": "active", "departamento": "ANTIOQUIA", "municipio": "MEDELLIN",
			"puesto": "IE SAN JOSE", "direccion": "CL 10 # 20-30", "mesa": mesa, "fetched_at": now.Add(-time.Hour)})
	}
	pedro := e.addUser(t, "Pedro Pérez", "30000001", "member", c.LeaderA.ID)
	maria := e.addUser(t, "María Gómez", "30000002", "member", c.LeaderA.ID)
	place(c.MemberA.ID, "3")
	place(pedro, "12")
	place(maria, "12")
	luisa := e.addUser(t, "Luisa Díaz", "30000003", "member", c.LeaderA.ID)
	e.setInfo(t, luisa, map[string]any{"status": "active", "departamento": "ANTIOQUIA", "municipio": "ENVIGADO",
		"puesto": "COLEGIO MAYOR", "direccion": "CR 43 # 38 SUR", "mesa": "1", "fetched_at": now.Add(-time.Hour)})
	tcol, _ := e.app.FindCollectionByNameOrId("testigos")
	tg := core.NewRecord(tcol)
	for k, v := range map[string]any{"user": c.MemberA.ID, "election": el.Id, "assigned_by": c.LeaderA.ID,
		"departamento": "ANTIOQUIA", "municipio": "MEDELLIN", "puesto": "IE SAN JOSE", "mesa": "12", "status": "live"} {
		tg.Set(k, v)
	}
	if err := e.app.Save(tg); err != nil {
		t.Fatal(err)
	}
	return e, []string{c.MemberA.ID, pedro, maria}
}

func liveMarks(t *testing.T, e *env, user string) int {
	t.Helper()
	recs, err := e.app.FindAllRecords("vote_marks", dbxHash("user", user))
	if err != nil {
		t.Fatal(err)
	}
	return len(recs)
}

func setOffline(t *testing.T, tb *tab, offline bool) {
	t.Helper()
	err := proto.NetworkEmulateNetworkConditions{Offline: offline, Latency: 0, DownloadThroughput: -1, UploadThroughput: -1}.Call(tb.Page)
	if err != nil {
		t.Fatal(err)
	}
}

// TestDiaDLeaderMarksOneOffline: a leader marks three people on /dia-d, the
// second with the browser offline: it shows "Pendiente de enviar", is not on
// the server, and arrives exactly once when the network is back.
func TestDiaDLeaderMarksOneOffline(t *testing.T) {
	e, people := diadEnv(t)
	tb := open(t, e.srv.URL, "", 390)
	t.Cleanup(func() {
		if t.Failed() {
			tb.mu.Lock()
			t.Logf("page errors: %v; requests: %q", tb.errors, tb.requests[max(0, len(tb.requests)-8):])
			tb.mu.Unlock()
			recs, _ := e.app.FindAllRecords("vote_marks")
			t.Logf("marks stored: %d", len(recs))
			res, err := tb.Eval(`async () => { const m = await import(document.querySelector('link[href*="js/diad.js"]').href);
				return JSON.stringify(await m.pending()) + " | " + [...document.querySelectorAll(".pend-row")].map((r) => r.outerHTML).join("\n") }`)
			t.Logf("outbox and rows: %v %v", res, err)
		}
	})
	tb.login(e.cast.LeaderA.Cedula, apptest.Password, true)
	// /inicio's election card opens the outbox database the first time;
	// let it finish before a full navigation (a frozen first open would
	// hold the next page's).
	tb.until("the election card's outbox read", `() => !!document.querySelector("[data-testid=diad-card][data-outbox=read]")`)
	tb.nav("/dia-d")
	tb.waitText("[data-testid=turnout]", "0 de 4")

	tb.click("[data-testid=mark-" + people[0] + "]")
	tb.until("the first mark stored", `(id) => !!document.querySelector("[data-testid=voted-" + id + "]")`, people[0])
	tb.waitText("[data-testid=turnout]", "1 de 4")

	setOffline(t, tb, true)
	tb.until("the browser offline", `() => navigator.onLine === false`)
	tb.click("[data-testid=mark-" + people[1] + "]")
	tb.until("the offline mark pending", `(id) => !!document.querySelector("[data-testid=pending-" + id + "]")`, people[1])
	tb.waitText("[data-testid=outbox]", "1 pendientes de enviar")
	if n := liveMarks(t, e, people[1]); n != 0 {
		t.Fatalf("%d marks on the server while offline, want 0", n)
	}
	tb.screenshot("dia-d-offline", 390)

	setOffline(t, tb, false)
	tb.until("the queued mark sent", `(id) => !!document.querySelector("[data-testid=voted-" + id + "]")`, people[1])
	tb.until("the outbox empty", `() => document.querySelector("[data-testid=outbox]").innerText === ""`)

	tb.click("[data-testid=mark-" + people[2] + "]")
	tb.until("the third mark stored", `(id) => !!document.querySelector("[data-testid=voted-" + id + "]")`, people[2])
	tb.waitText("[data-testid=turnout]", "3 de 4")
	for _, id := range people {
		if n := liveMarks(t, e, id); n != 1 {
			t.Errorf("%s has %d marks, want exactly 1", id, n)
		}
	}
	// A reload sends nothing again: the outbox is empty, the marks stay one each.
	tb.nav("/dia-d")
	tb.waitText("[data-testid=turnout]", "3 de 4")
	for _, id := range people {
		if n := liveMarks(t, e, id); n != 1 {
			t.Errorf("after reload %s has %d marks, want exactly 1", id, n)
		}
	}
	tb.checkClean()
}

// TestDiaDDashboardMovesLive: a mark made elsewhere (the member's own "Ya
// voté" on /inicio) reaches the leader's open dashboard through realtime.
func TestDiaDDashboardMovesLive(t *testing.T) {
	e, _ := diadEnv(t)
	leader := open(t, e.srv.URL, "", 1280)
	leader.login(e.cast.LeaderA.Cedula, apptest.Password, true)
	leader.nav("/dia-d")
	leader.waitText("[data-testid=turnout]", "0 de 4")
	// The page subscribes to vote_marks before it says it is ready.

	member := open(t, e.srv.URL, "", 390)
	member.login(e.cast.MemberA.Cedula, apptest.Password, true)
	member.until("the Ya voté button", `() => !!document.querySelector("[data-testid=ya-vote]")`)
	member.click("[data-testid=ya-vote]")
	member.until("the vote registered", `() => !!document.querySelector("[data-testid=ya-vote-done]")`)
	leader.waitText("[data-testid=turnout]", "1 de 4")
	leader.checkClean()
	member.checkClean()
}

// TestDiaDPages opens every election-day page at phone and desktop widths:
// screenshots, axe, no foreign requests, no script errors; and the print
// view of the lists (one puesto per A4 page, no app chrome).
func TestDiaDPages(t *testing.T) {
	e, _ := diadEnv(t)
	c := e.cast
	type pg struct {
		name, path string
		who        apptest.Person
		ready      string
		text       string
	}
	pages := []pg{
		{"dia-d", "/dia-d", c.LeaderA, "[data-testid=by-puesto]", "IE SAN JOSE"},
		{"dia-d-listas", "/dia-d/listas", c.LeaderA, ".puesto-sheet", "María Gómez"},
		{"dia-d-testigo", "/dia-d/testigo", c.MemberA, "[data-testid=mesa-people] li", "Pedro Pérez"},
		{"inicio-ya-vote", "/inicio", c.MemberB, "[data-testid=ya-vote]", "Ya voté"},
		{"dia-d-miembro", "/dia-d", c.MemberB, "", "líderes y coordinadores"},
	}
	for _, width := range []int{390, 1280} {
		for _, p := range pages {
			tb := open(t, e.srv.URL, "", width)
			tb.login(p.who.Cedula, apptest.Password, true)
			tb.nav(p.path)
			if p.ready != "" {
				tb.until(p.ready, `(s) => !!document.querySelector(s)`, p.ready)
			}
			tb.waitText("main", p.text)
			tb.screenshot(p.name, width)
			tb.axe(p.name)
			if p.name == "dia-d-listas" {
				if err := (proto.EmulationSetEmulatedMedia{Media: "print"}).Call(tb.Page); err != nil {
					t.Fatal(err)
				}
				got := mustEval(t, tb, `() => [getComputedStyle(document.querySelector(".top")).display,
					getComputedStyle(document.querySelector(".puesto-sheet")).breakAfter,
					getComputedStyle(document.querySelector(".no-print")).display,
					getComputedStyle(document.querySelector(".print-list button")).display].join(" ")`).Str()
				if got != "none page none none" {
					t.Errorf("print view: header, sheet break, toolbar, mark buttons = %q, want \"none page none none\"", got)
				}
				tb.screenshot("dia-d-listas-print", width)
				_ = proto.EmulationSetEmulatedMedia{Media: ""}.Call(tb.Page)
			}
			tb.checkClean()
		}
	}
}

func dbxHash(k, v string) dbx.HashExp { return dbx.HashExp{k: v} }
