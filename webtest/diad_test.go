package webtest_test

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-rod/rod/lib/proto"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/padron/padron/apierrors"
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

// TestDiaDMarkSentAgainWhenTheServerIsBusy: the server answers a leader's
// first mark with 503 (a database too busy to answer in time), storing
// nothing; the phone keeps the mark pending instead of dropping it, sends it
// again by itself, and it is stored exactly once.
func TestDiaDMarkSentAgainWhenTheServerIsBusy(t *testing.T) {
	e, people := diadEnv(t)
	var tries atomic.Int32
	e.app.OnRecordCreateRequest("vote_marks").BindFunc(func(re *core.RecordRequestEvent) error {
		if tries.Add(1) == 1 {
			return apierrors.New(http.StatusServiceUnavailable, "busy", "El servidor está ocupado.", nil)
		}
		return re.Next()
	})
	tb := open(t, e.srv.URL, "", 390)
	tb.login(e.cast.LeaderA.Cedula, apptest.Password, true)
	tb.until("the election card's outbox read", `() => !!document.querySelector("[data-testid=diad-card][data-outbox=read]")`)
	tb.nav("/dia-d")
	tb.waitText("[data-testid=turnout]", "0 de 4")
	tb.click("[data-testid=mark-" + people[1] + "]")
	tb.until("the mark stored after the busy answer", `(id) => !!document.querySelector("[data-testid=voted-" + id + "]")`, people[1])
	tb.waitText("[data-testid=turnout]", "1 de 4")
	if n := tries.Load(); n < 2 {
		t.Errorf("the server saw %d tries, want the refused one and the one sent again", n)
	}
	if n := liveMarks(t, e, people[1]); n != 1 {
		t.Errorf("%d marks stored, want exactly 1", n)
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
		{"dia-d-mesas", "/dia-d/mesas", c.LeaderA, "[data-testid=coverage] li", "Ana Referida"},
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

// TestDiaDE14PhotoLive: with the polls closed, the leader's open
// /dia-d/mesas assigns a testigo from the people of a puesto; then the
// testigo of mesa 12 sends the E-14 with a photo from their phone, and the
// leader's page shows the result, the mesa reported and the photo's link
// live, without a reload.
func TestDiaDE14PhotoLive(t *testing.T) {
	e, _ := diadEnv(t)
	c := e.cast
	el, err := e.app.FindRecordById("elections", "elec2026marzo08")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	el.Set("opens_at", now.Add(-9*time.Hour))
	el.Set("closes_at", now.Add(-time.Hour))
	if err := e.app.Save(el); err != nil {
		t.Fatal(err)
	}

	leader := open(t, e.srv.URL, "", 390)
	leader.login(c.LeaderA.Cedula, apptest.Password, true)
	leader.nav("/dia-d")
	leader.click(`a[href="/dia-d/mesas"]`)
	leader.waitPath("/dia-d/mesas")
	leader.waitText("[data-testid=coverage]", "IE SAN JOSE")
	leader.waitText("[data-testid=results-reported]", "0 de 1 mesas")
	// Mesa 12 (Pedro and María) comes first: the most people.
	if got := leader.text("[data-testid=coverage] li"); !strings.Contains(got, "Mesa 12") || !strings.Contains(got, "Testigo: Ana Referida") || !strings.Contains(got, "E-14 pendiente") {
		t.Errorf("first mesa: %q, want mesa 12 with its testigo and no E-14", got)
	}
	leader.axe("dia-d-mesas")
	mustEval(t, leader, `() => { window.__sameDocument = true; return true }`)

	// Assign Luisa, who votes there, as testigo of Envigado's mesa 1.
	leader.click(`[data-mesa="ANTIOQUIA|ENVIGADO|COLEGIO MAYOR|1"] button`)
	leader.until("the assignment form", `() => !!document.querySelector("[data-testid=assign-form] select option[value]:not([value=''])")`)
	mustEval(t, leader, `() => { const s = document.querySelector("[data-testid=assign-form] select");
		s.value = [...s.options].find((o) => o.text.startsWith("Luisa Díaz")).value; return true }`)
	leader.click("[data-testid=assign-form] [type=submit]")
	leader.waitText(`[data-mesa="ANTIOQUIA|ENVIGADO|COLEGIO MAYOR|1"]`, "Testigo: Luisa Díaz")
	leader.waitText("[data-testid=results-reported]", "0 de 2 mesas")

	testigo := open(t, e.srv.URL, "", 390)
	testigo.login(c.MemberA.Cedula, apptest.Password, true)
	testigo.nav("/dia-d/testigo")
	testigo.waitText("main", "Formulario E-14")
	for name, v := range map[string]string{"opt0": "7", "opt1": "3", "blank": "1", "null_votes": "0", "unmarked": "0", "total": "11"} {
		testigo.fill(name, v)
	}
	photo := filepath.Join(t.TempDir(), "e14.png")
	if err := os.WriteFile(photo, pngPhoto(t), 0o644); err != nil {
		t.Fatal(err)
	}
	input, err := testigo.Element("#e14-photo")
	if err != nil {
		t.Fatal(err)
	}
	if err := input.SetFiles([]string{photo}); err != nil {
		t.Fatal(err)
	}
	testigo.waitText("main", "coincide con el total")
	testigo.screenshot("dia-d-testigo-e14", 390)
	testigo.click("form [type=submit]")
	testigo.waitText("#toasts", "E-14 recibido")

	// The leader's page moves by itself.
	leader.waitText("[data-testid=results-reported]", "1 de 2 mesas")
	leader.until("Partido A's 7 votes", `() => [...document.querySelectorAll("[data-testid=results-total] tbody tr")]
		.some((r) => r.innerText.includes("Partido A") && r.innerText.includes("7") && r.innerText.includes("70 %"))`)
	leader.waitText(`[data-mesa="ANTIOQUIA|MEDELLIN|IE SAN JOSE|12"]`, "E-14 recibido")
	leader.until("the photo's button", `() => !!document.querySelector("[data-testid=results-mesas] button")`)
	if !mustEval(t, leader, `() => window.__sameDocument === true`).Bool() {
		t.Error("the leader's page was reloaded; the result should arrive live")
	}
	leader.screenshot("dia-d-mesas-live", 390)

	reports, err := e.app.FindAllRecords("e14_reports")
	if err != nil || len(reports) != 1 || reports[0].GetString("photo") == "" || reports[0].GetInt("total") != 11 {
		t.Fatalf("reports %v (%v), want one of total 11 with its photo", reports, err)
	}
	leader.checkClean()
	testigo.checkClean()
}

// pngPhoto is a small PNG standing for the photo of the paper form.
func pngPhoto(t *testing.T) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for x := range 64 {
		img.Set(x, x%48, color.Black)
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestDiaDMesasVotedLive: on /dia-d/mesas the "votaron" counts follow each
// mark through the dia-d topic, without refetching the coverage: a
// member's own "Ya voté" (mesa 3), the leader's mark of Pedro from /dia-d
// in another tab (mesa 12), and that mark's undo.
func TestDiaDMesasVotedLive(t *testing.T) {
	e, people := diadEnv(t)
	pedro := people[1]
	mesa3, mesa12 := `[data-mesa="ANTIOQUIA|MEDELLIN|IE SAN JOSE|3"]`, `[data-mesa="ANTIOQUIA|MEDELLIN|IE SAN JOSE|12"]`
	page := open(t, e.srv.URL, "", 1280)
	page.login(e.cast.LeaderA.Cedula, apptest.Password, true)
	page.nav("/dia-d/mesas")
	page.until("the votes counted live", `() => document.querySelector("[aria-labelledby=cov-h]")?.dataset.votes === "live"`)
	page.waitText(mesa12, "2 personas · 0 votaron")
	page.waitText("[data-testid=coverage-voted]", "0 votaron")
	mustEval(t, page, `() => { window.__sameDocument = true; return true }`)
	coverageReads := func() int {
		page.mu.Lock()
		defer page.mu.Unlock()
		n := 0
		for _, r := range page.requests {
			if strings.Contains(r, "/api/dia-d/coverage") {
				n++
			}
		}
		return n
	}
	before := coverageReads()

	member := open(t, e.srv.URL, "", 390)
	member.login(e.cast.MemberA.Cedula, apptest.Password, true)
	member.until("the Ya voté button", `() => !!document.querySelector("[data-testid=ya-vote]")`)
	member.click("[data-testid=ya-vote]")
	member.until("the vote registered", `() => !!document.querySelector("[data-testid=ya-vote-done]")`)
	page.waitText(mesa3, "1 votaron")
	page.waitText("[data-testid=coverage-voted]", "1 votaron")

	leader := open(t, e.srv.URL, "", 390)
	leader.login(e.cast.LeaderA.Cedula, apptest.Password, true)
	leader.nav("/dia-d")
	leader.click("[data-testid=mark-" + pedro + "]")
	leader.until("Pedro's mark stored", `(id) => !!document.querySelector("[data-testid=voted-" + id + "]")`, pedro)
	page.waitText(mesa12, "2 personas · 1 votaron")
	page.waitText("[data-testid=coverage-voted]", "2 votaron")
	page.screenshot("dia-d-mesas-votaron", 1280)

	leader.click(".mark-cell:has([data-testid=voted-" + pedro + "]) button")
	leader.until("Pedro's mark undone", `(id) => !!document.querySelector("[data-testid=mark-" + id + "]")`, pedro)
	page.waitText(mesa12, "2 personas · 0 votaron")
	page.waitText("[data-testid=coverage-voted]", "1 votaron")
	if got := page.text(mesa3); !strings.Contains(got, "1 votaron") {
		t.Errorf("mesa 3 after the undo of another mesa's mark: %q", got)
	}
	if !mustEval(t, page, `() => window.__sameDocument === true`).Bool() {
		t.Error("the page was reloaded; the counts should move live")
	}
	if n := coverageReads(); n != before {
		t.Errorf("the coverage was read %d more times; the marks should be counted from the dia-d topic", n-before)
	}
	page.checkClean()
	member.checkClean()
	leader.checkClean()
}

// TestDiaDMesaTaken: a mesa another leader covered after the page loaded
// (the assignment written straight to the database, so no realtime event
// warns the page) still offers "Asignar"; the server refuses with
// mesa_taken and the leader reads the Spanish reason, nothing is stored,
// and the form stays to pick another mesa. Screenshots of the results
// table at both widths (its "%" header).
func TestDiaDMesaTaken(t *testing.T) {
	e, _ := diadEnv(t)
	c := e.cast
	luisa, err := e.app.FindFirstRecordByData("users", "cedula", "30000003")
	if err != nil {
		t.Fatal(err)
	}
	envigado := `[data-mesa="ANTIOQUIA|ENVIGADO|COLEGIO MAYOR|1"]`
	page := open(t, e.srv.URL, "", 390)
	page.login(c.LeaderA.Cedula, apptest.Password, true)
	page.nav("/dia-d/mesas")
	page.waitText(envigado, "Sin testigo")
	page.screenshot("dia-d-mesas-results", 390)

	now := time.Now().UTC().Format("2006-01-02 15:04:05.000Z")
	_, err = e.app.DB().NewQuery("INSERT INTO testigos (id, user, election, departamento, municipio, puesto, mesa, assigned_by, status, created, updated) " +
		"VALUES ('tgotrarama00001', {:u}, 'elec2026marzo08', 'ANTIOQUIA', 'ENVIGADO', 'COLEGIO MAYOR', '1', {:by}, 'live', {:now}, {:now})").
		Bind(dbx.Params{"u": c.MemberB.ID, "by": c.LeaderB.ID, "now": now}).Execute()
	if err != nil {
		t.Fatal(err)
	}

	page.click(envigado + " button")
	page.until("the assignment form", `() => !!document.querySelector("[data-testid=assign-form] select option[value]:not([value=''])")`)
	mustEval(t, page, `() => { const s = document.querySelector("[data-testid=assign-form] select");
		s.value = [...s.options].find((o) => o.text.startsWith("Luisa Díaz")).value; return true }`)
	page.click("[data-testid=assign-form] [type=submit]")
	page.waitText("#toasts", "Esta mesa ya tiene un testigo de la campaña.")
	page.until("the form back for another try", `() => { const b = document.querySelector("[data-testid=assign-form] [type=submit]"); return !!b && !b.disabled }`)
	if recs, err := e.app.FindAllRecords("testigos", dbxHash("user", luisa.Id)); err != nil || len(recs) != 0 {
		t.Errorf("Luisa's assignments: %d (%v), want none", len(recs), err)
	}
	wide := open(t, e.srv.URL, "", 1280)
	wide.login(c.LeaderA.Cedula, apptest.Password, true)
	wide.nav("/dia-d/mesas")
	wide.waitText("[data-testid=results-total]", "Partido A")
	wide.screenshot("dia-d-mesas-results", 1280)
	page.checkClean()
	wide.checkClean()
}
