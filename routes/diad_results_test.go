package routes_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"github.com/padron/padron/apptest"
)

func TestDiaDResults(t *testing.T) {
	t.Parallel()
	c := apptest.Seeded(t)
	su := map[string]string{"Authorization": c.Superuser.Token}
	get := func(name, url string, headers map[string]string, status int, want, notWant []string) tests.ApiScenario {
		return tests.ApiScenario{Name: name, Method: http.MethodGet, URL: url, Headers: headers,
			ExpectedStatus: status, ExpectedContent: want, NotExpectedContent: notWant,
			ExpectedEvents: map[string]int{"*": 0}, TestAppFactory: diadScene}
	}
	const url = "/api/dia-d/results"
	ab := func(a, b int) string {
		return `"options":[{"option":"Partido A","votes":` + itoa(a) + `},{"option":"Partido B","votes":` + itoa(b) + `}]`
	}
	scenarios := []tests.ApiScenario{
		get("a leader sums their testigo's E-14 only", url, as(t, lider1), 200, []string{
			`"election":{"id":"` + diadElectionID + `","name":"Congreso 2026","options":["Partido A","Partido B"]}`,
			`"total":{` + ab(10, 5) + `,"blank":1,"null_votes":1,"unmarked":0,"total":17,"mesas_reported":1,"mesas_covered":1,"flagged":0}`,
			`"by_municipio":[{"departamento":"ANTIOQUIA","municipio":"MEDELLIN",` + ab(10, 5),
			`"by_puesto":[{"departamento":"ANTIOQUIA","municipio":"MEDELLIN","puesto":"IE A",` + ab(10, 5),
			`"id":"diade14report01"`, `"testigo_name":"Marta Miembro"`,
		}, []string{"diade14report02", "Alba Ajena"}),
		get("a sibling leader sees no result of ours", url, as(t, lider2), 200, []string{
			`"total":{` + ab(0, 0) + `,"blank":0,"null_votes":0,"unmarked":0,"total":0,"mesas_reported":0,"mesas_covered":0`, `"mesas":[]`,
		}, []string{"diade14report01", "Marta"}),
		get("the other coordinator sums their own", url, as(t, coord2), 200, []string{
			`"total":{` + ab(3, 20) + `,`, `"mesas_reported":1,"mesas_covered":1`,
		}, []string{"diade14report01"}),
		get("the coordinator sums the subtree", url, as(t, coord), 200, []string{`"total":{` + ab(10, 5) + `,`}, []string{"diade14report02"}),
		get("a superuser sums the whole campaign", url, su, 200, []string{
			`"total":{` + ab(13, 25) + `,"blank":2,"null_votes":2,"unmarked":0,"total":42,"mesas_reported":2,"mesas_covered":2,"flagged":0}`,
		}, nil),
		get("filtered by puesto: nothing at IE B", url+"?puesto=ie%20b", su, 200, []string{
			`"total":{` + ab(0, 0) + `,`, `"mesas":[]`}, nil),
		get("a member is refused, in Spanish", url, as(t, miembro1), 403, []string{`"code":"leaders_only"`, "Solo los líderes"}, nil),
		get("the testigo (a member) reads their report through the collection, not here", url, as(t, miembro2), 403, []string{`"code":"leaders_only"`}, nil),
		get("anonymous", url, nil, 401, []string{`"code":"auth_required"`}, nil),
		get("an unknown election", url+"?election=noexiste", su, 404, []string{`"code":"election_not_found"`}, nil),
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// TestDiaDResultsCorrection: the testigo sends a corrected E-14 through the
// records API; the results count the correction instead of the first report,
// never both; and when the mesa's testigo was replaced and both testigos
// reported, the latest report stands.
func TestDiaDResultsCorrection(t *testing.T) {
	t.Parallel()
	app := diadScene(t)
	t.Cleanup(app.Cleanup)
	srv := apptest.Serve(t, app)
	do := func(method, path, body string, headers map[string]string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		for k, v := range headers {
			req.Header.Set(k, v)
		}
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	total := func(who map[string]string) string {
		t.Helper()
		status, body := do(http.MethodGet, "/api/dia-d/results", "", who)
		if status != 200 {
			t.Fatalf("results: %d %s", status, body)
		}
		var res struct {
			Total struct {
				Options []struct {
					Option string `json:"option"`
					Votes  int    `json:"votes"`
				} `json:"options"`
				Total    int `json:"total"`
				Reported int `json:"mesas_reported"`
			} `json:"total"`
		}
		if err := json.Unmarshal([]byte(body), &res); err != nil {
			t.Fatal(err)
		}
		var parts []string
		for _, o := range res.Total.Options {
			parts = append(parts, o.Option+"="+itoa(o.Votes))
		}
		return strings.Join(parts, " ") + " total=" + itoa(res.Total.Total) + " mesas=" + itoa(res.Total.Reported)
	}
	if got, want := total(as(t, lider1)), "Partido A=10 Partido B=5 total=17 mesas=1"; got != want {
		t.Fatalf("before the correction: %s, want %s", got, want)
	}
	status, body := do(http.MethodPost, "/api/collections/e14_reports/records",
		`{"testigo":"diadtestigo0001","reported_by":"`+miembro2+`","votes":{"Partido A":12,"Partido B":5},"blank":1,"null_votes":1,"unmarked":0,"total":19}`,
		as(t, miembro2))
	if status != 200 || !strings.Contains(body, `"status":"live"`) {
		t.Fatalf("correction: %d %s", status, body)
	}
	if got, want := total(as(t, lider1)), "Partido A=12 Partido B=5 total=19 mesas=1"; got != want {
		t.Errorf("after the correction: %s, want %s (the correction replaces, it does not add)", got, want)
	}
	first, err := app.FindRecordById("e14_reports", "diade14report01")
	if err != nil || first.GetString("status") != "replaced" {
		t.Errorf("first report %v (%v), want kept as replaced", first, err)
	}

	// The coordinator replaces the mesa's testigo; the new one reports too.
	status, body = do(http.MethodPost, "/api/collections/testigos/records",
		`{"user":"`+miembro1+`","election":"`+diadElectionID+`","assigned_by":"`+coord+`","departamento":"ANTIOQUIA","municipio":"MEDELLIN","puesto":"IE A","mesa":"1"}`,
		as(t, coord))
	if status != 409 {
		t.Fatalf("another manager's testigo holds the mesa: got %d %s, want 409", status, body)
	}
	status, body = do(http.MethodPost, "/api/collections/testigos/records",
		`{"user":"`+miembro1+`","election":"`+diadElectionID+`","assigned_by":"`+lider1+`","departamento":"ANTIOQUIA","municipio":"MEDELLIN","puesto":"IE A","mesa":"1"}`,
		as(t, lider1))
	if status != 200 {
		t.Fatalf("lider1 replaces their testigo: %d %s", status, body)
	}
	var newTestigo struct {
		ID string `json:"id"`
	}
	_ = json.Unmarshal([]byte(body), &newTestigo)
	status, body = do(http.MethodPost, "/api/collections/e14_reports/records",
		`{"testigo":"`+newTestigo.ID+`","reported_by":"`+miembro1+`","votes":{"Partido A":13,"Partido B":5},"blank":1,"null_votes":1,"unmarked":0,"total":20}`,
		as(t, miembro1))
	if status != 200 {
		t.Fatalf("the new testigo reports: %d %s", status, body)
	}
	if got, want := total(as(t, lider1)), "Partido A=13 Partido B=5 total=20 mesas=1"; got != want {
		t.Errorf("two testigos' live reports of one mesa: %s, want %s (the latest stands)", got, want)
	}
	if got, want := total(as(t, lider2)), "Partido A=0 Partido B=0 total=0 mesas=0"; got != want {
		t.Errorf("sibling branch: %s, want %s", got, want)
	}
}
