package routes_test

import (
	"net/http"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/padron/padron/apptest"
)

// The election-day scene over the red pyramid (see red_test.go):
//
//	IE A (MEDELLIN) mesa 1: sublider, miembro1 (voted), nieto1 — testigo miembro2 (lider1's), E-14 reported
//	IE A (MEDELLIN) mesa 2: miembro2 — testigo ajeno1 (coord2's branch), E-14 reported
//	IE B (BELLO)    mesa 5: miembro3 — no testigo
const (
	diadElectionID = "elec2026marzo08"
	coord          = "redcoord0000001"
	coord2         = "redcoord2000001"
	lider1         = "redlider1000001"
	lider2         = "redlider2000001"
	miembro1       = "redmiembro10001"
	miembro2       = "redmiembro20001"
	ajeno1         = "redajeno1000001"
)

// diadScene is the pyramid with a current, closed election (t0 is after
// its closing), the places above, the testigos and their reports.
func diadScene(t testing.TB) *tests.TestApp {
	app := setup(t, nil)
	seedPyramid(t, app)
	saveElection(t, app, diadElectionID, true)
	for id, place := range map[string][]string{
		"redsublider0001": {"IE A", "1"}, miembro1: {"IE A", "1"}, "rednieto1000001": {"IE A", "1"},
		miembro2: {"IE A", "2"}, ajeno1: {"IE A", "2"},
	} {
		setInfo(t, app, id, "active", old, "ANTIOQUIA", "MEDELLIN", place[0], "CL 1", place[1])
	}
	setInfo(t, app, "redmiembro30001", "active", old, "ANTIOQUIA", "BELLO", "IE B", "CR 2", "5")
	saveRecord(t, app, "vote_marks", "diadmark0000001", map[string]any{"user": miembro1, "election": diadElectionID,
		"marked_by": lider1, "method": "leader", "marked_at": old, "status": "live"})
	saveTestigoAt(t, app, "diadtestigo0001", miembro2, lider1, "IE A", "1")
	saveTestigoAt(t, app, "diadtestigo0002", ajeno1, coord2, "IE A", "2")
	saveReport(t, app, "diade14report01", "diadtestigo0001", miembro2, "IE A", "1", 10, 5, 17)
	saveReport(t, app, "diade14report02", "diadtestigo0002", ajeno1, "IE A", "2", 3, 20, 25)
	return app
}

// saveElection stores an election with options Partido A and B whose polls
// closed an hour before t0.
func saveElection(t testing.TB, app core.App, id string, current bool) {
	t.Helper()
	saveRecord(t, app, "elections", id, map[string]any{"name": "Congreso 2026", "date": t0.Add(-10 * 3600e9),
		"opens_at": t0.Add(-9 * 3600e9), "closes_at": t0.Add(-3600e9), "options": []string{"Partido A", "Partido B"},
		"current": current})
}

func saveTestigoAt(t testing.TB, app core.App, id, user, by, puesto, mesa string) {
	t.Helper()
	saveRecord(t, app, "testigos", id, map[string]any{"user": user, "election": diadElectionID, "assigned_by": by,
		"departamento": "ANTIOQUIA", "municipio": "MEDELLIN", "puesto": puesto, "mesa": mesa, "status": "live"})
}

// saveReport stores a live E-14 directly (no request hooks).
func saveReport(t testing.TB, app core.App, id, testigo, by, puesto, mesa string, a, b, total int) {
	t.Helper()
	saveRecord(t, app, "e14_reports", id, map[string]any{"testigo": testigo, "election": diadElectionID,
		"reported_by": by, "departamento": "ANTIOQUIA", "municipio": "MEDELLIN", "puesto": puesto, "mesa": mesa,
		"votes": map[string]int{"Partido A": a, "Partido B": b}, "blank": 1, "null_votes": 1, "total": total,
		"flagged": a+b+2 != total, "status": "live"})
}

func saveRecord(t testing.TB, app core.App, collection, id string, fields map[string]any) {
	t.Helper()
	col, err := app.FindCollectionByNameOrId(collection)
	if err != nil {
		t.Fatal(err)
	}
	r := core.NewRecord(col)
	r.Id = id
	for k, v := range fields {
		r.Set(k, v)
	}
	if err := app.Save(r); err != nil {
		t.Fatalf("save %s %s: %v", collection, id, err)
	}
}

func TestDiaDCoverage(t *testing.T) {
	t.Parallel()
	c := apptest.Seeded(t)
	su := map[string]string{"Authorization": c.Superuser.Token}
	get := func(name, url string, headers map[string]string, status int, want, notWant []string) tests.ApiScenario {
		return tests.ApiScenario{Name: name, Method: http.MethodGet, URL: url, Headers: headers,
			ExpectedStatus: status, ExpectedContent: want, NotExpectedContent: notWant,
			ExpectedEvents: map[string]int{"*": 0}, TestAppFactory: diadScene}
	}
	const url = "/api/dia-d/coverage"
	scenarios := []tests.ApiScenario{
		get("a leader: their mesas, most people first, their testigo named, another branch's only said", url, as(t, lider1), 200, []string{
			`"totals":{"mesas":2,"covered":2,"reported":1,"people":4,"voted":1}`,
			`"mesas":[{"departamento":"ANTIOQUIA","municipio":"MEDELLIN","puesto":"IE A","direccion":"CL 1","mesa":"1","people":3,"voted":1,` +
				`"testigo":{"id":"diadtestigo0001","user":"` + miembro2 + `","name":"Marta Miembro"},"covered_elsewhere":false,"e14_reported":true,"e14_flagged":false}`,
			`"mesa":"2","people":1,"voted":0,"testigo":null,"covered_elsewhere":true,"e14_reported":false`,
		}, []string{"Alba Ajena", "BELLO", ajeno1}),
		get("a sibling leader sees only their own branch's mesa", url, as(t, lider2), 200, []string{
			`"totals":{"mesas":1,"covered":0,"reported":0,"people":1,"voted":0}`, `"municipio":"BELLO","puesto":"IE B"`,
		}, []string{"IE A", "Marta Miembro"}),
		get("the coordinator sees the subtree", url, as(t, coord), 200, []string{
			`"totals":{"mesas":3,"covered":2,"reported":1,"people":5,"voted":1}`, `"name":"Marta Miembro"`, `"puesto":"IE B"`,
		}, []string{"Alba Ajena"}),
		get("the other coordinator sees their testigo and not ours", url, as(t, coord2), 200, []string{
			`"totals":{"mesas":1,"covered":1,"reported":1,"people":1,"voted":0}`, `"name":"Alba Ajena"`,
		}, []string{"Marta Miembro", "IE B"}),
		get("a superuser sees every mesa and testigo", url, su, 200, []string{
			`"totals":{"mesas":3,"covered":2,"reported":2,"people":6,"voted":1}`, `"name":"Marta Miembro"`, `"name":"Alba Ajena"`,
		}, nil),
		get("filtered by municipio (any case)", url+"?municipio=bello", as(t, coord), 200, []string{
			`"totals":{"mesas":1,`, `"puesto":"IE B"`}, []string{"IE A"}),
		get("filtered by puesto", url+"?puesto=IE%20A", as(t, coord), 200, []string{
			`"totals":{"mesas":2,`}, []string{"IE B"}),
		get("only the mesas without a testigo", url+"?testigo=sin", as(t, coord), 200, []string{
			`"totals":{"mesas":1,"covered":0,`, `"puesto":"IE B"`}, []string{`"puesto":"IE A"`}),
		get("only the covered mesas", url+"?testigo=con", as(t, coord), 200, []string{
			`"totals":{"mesas":2,"covered":2,`}, []string{`"puesto":"IE B"`}),
		get("a bad testigo filter", url+"?testigo=quizas", as(t, coord), 400, []string{`"code":"invalid_testigo_filter"`}, nil),
		get("an unknown election", url+"?election=noexiste", as(t, coord), 404, []string{`"code":"election_not_found"`}, nil),
		get("a member is refused, in Spanish", url, as(t, miembro1), 403, []string{`"code":"leaders_only"`, "Solo los líderes"}, nil),
		get("a testigo who is a member is refused too", url, as(t, miembro2), 403, []string{`"code":"leaders_only"`}, nil),
		get("anonymous", url, nil, 401, []string{`"code":"auth_required"`}, nil),
		{
			Name: "no current election", Method: http.MethodGet, URL: url, Headers: as(t, coord),
			ExpectedStatus: 404, ExpectedContent: []string{`"code":"no_election"`}, ExpectedEvents: map[string]int{"*": 0},
			TestAppFactory: func(t testing.TB) *tests.TestApp {
				app := setup(t, nil)
				seedPyramid(t, app)
				return app
			},
		},
		{
			Name: "a past election by id", Method: http.MethodGet, URL: url + "?election=elecpasada00001", Headers: as(t, coord),
			ExpectedStatus: 200, ExpectedContent: []string{`"election":{"id":"elecpasada00001"`, `"totals":{"mesas":3,"covered":0,"reported":0,"people":5,"voted":0}`},
			ExpectedEvents: map[string]int{"*": 0},
			TestAppFactory: func(t testing.TB) *tests.TestApp {
				app := diadScene(t)
				saveElection(t, app, "elecpasada00001", false)
				return app
			},
		},
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}
