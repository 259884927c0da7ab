package habeas_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/logger"

	"github.com/padron/padron/apptest"
	"github.com/padron/padron/campaign"
	"github.com/padron/padron/config"
	"github.com/padron/padron/habeas"
	"github.com/padron/padron/server"
	"github.com/padron/padron/tree"
)

func auth(p apptest.Person) map[string]string { return map[string]string{"Authorization": p.Token} }

func texts(testing.TB) habeas.Texts {
	return habeas.TextsFor(campaign.Defaults)
}

// consentsOf is userID's consent records, oldest first.
func consentsOf(t testing.TB, app core.App, userID string) []*core.Record {
	t.Helper()
	recs, err := app.FindRecordsByFilter("consents", "user_id = {:id}", "created", 0, 0, map[string]any{"id": userID})
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func addConsent(t testing.TB, app core.App, userID, purpose string) {
	t.Helper()
	x := texts(t)
	text, _ := x.Of(purpose)
	if err := habeas.Append(app, userID, purpose, true, x.Version, text.SHA256, habeas.SourceRegistration); err != nil {
		t.Fatal(err)
	}
}

// newVersion puts a new policy version in force, as a superuser does in
// the dashboard when the policy changes.
func newVersion(t testing.TB) *tests.TestApp {
	app := apptest.NewApp(t)
	rec, err := campaign.Load(app)
	if err != nil {
		t.Fatal(err)
	}
	rec.Set("policy_version", "2027-01")
	if err := app.Save(rec); err != nil {
		t.Fatal(err)
	}
	return app
}

const registerURL = "/api/collections/users/records"

func registration(extra string) *strings.Reader {
	return strings.NewReader(`{"name":"Rosa Nueva","cedula":"1098765432","phone":"3105550000","password":"clave-larga-1","passwordConfirm":"clave-larga-1","data_policy_accepted":true` + extra + `}`)
}

// TestRegistrationRecordsConsents: the two authorisations are recorded
// separately with the version and the hash of the text in force; messaging
// is off unless given; a form that showed another text is refused.
func TestRegistrationRecordsConsents(t *testing.T) {
	t.Parallel()
	x := texts(t)
	newUser := func(app core.App) *core.Record {
		u, err := app.FindFirstRecordByData("users", "cedula", "1098765432")
		if err != nil {
			t.Fatalf("registered user: %v", err)
		}
		return u
	}
	scenarios := []tests.ApiScenario{
		{Name: "processing only: messaging stays off", Method: http.MethodPost, URL: registerURL,
			Body:           registration(`,"data_policy_sha256":"` + x.Processing.SHA256 + `"`),
			ExpectedStatus: 200, ExpectedContent: []string{`"contact_consent":false`, `"data_policy_version":"2026-12"`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				recs := consentsOf(t, app, newUser(app).Id)
				if len(recs) != 1 || recs[0].GetString("purpose") != "processing" || !recs[0].GetBool("granted") ||
					recs[0].GetString("text_sha256") != x.Processing.SHA256 || recs[0].GetString("policy_version") != "2026-12" ||
					recs[0].GetString("source") != habeas.SourceRegistration {
					t.Errorf("consents: %v", recs)
				}
			}},
		{Name: "both authorisations", Method: http.MethodPost, URL: registerURL,
			Body:           registration(`,"data_policy_sha256":"` + x.Processing.SHA256 + `","contact_consent":true,"contact_consent_sha256":"` + x.Messaging.SHA256 + `"`),
			ExpectedStatus: 200, ExpectedContent: []string{`"contact_consent":true`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				recs := consentsOf(t, app, newUser(app).Id)
				if len(recs) != 2 || recs[1].GetString("purpose") != "messaging" || recs[1].GetString("text_sha256") != x.Messaging.SHA256 {
					t.Errorf("consents: %v", recs)
				}
			}},
		{Name: "a text other than the one in force", Method: http.MethodPost, URL: registerURL,
			Body:           registration(`,"data_policy_sha256":"` + strings.Repeat("0", 64) + `"`),
			ExpectedStatus: 400, ExpectedContent: []string{`"data_policy_sha256":{"code":"policy_outdated"`}},
		{Name: "a messaging text other than the one in force", Method: http.MethodPost, URL: registerURL,
			Body:           registration(`,"contact_consent":true,"contact_consent_sha256":"abc"`),
			ExpectedStatus: 400, ExpectedContent: []string{`"contact_consent_sha256":{"code":"policy_outdated"`}},
		{Name: "contact_consent must be a boolean", Method: http.MethodPost, URL: registerURL,
			Body:           registration(`,"contact_consent":"sí"`),
			ExpectedStatus: 400, ExpectedContent: []string{`"contact_consent":{"code":"contact_consent_invalid"`}},
	}
	for _, s := range scenarios {
		s.TestAppFactory = func(t testing.TB) *tests.TestApp { return apptest.NewApp(t) }
		s.Test(t)
	}
}

// TestConsentsRules: each person reads only their own authorisations; the
// record is append-only, for superusers too.
func TestConsentsRules(t *testing.T) {
	t.Parallel()
	c := apptest.Seeded(t)
	var aID string
	factory := func(t testing.TB) *tests.TestApp {
		app := apptest.NewApp(t)
		addConsent(t, app, c.MemberA.ID, "processing")
		addConsent(t, app, c.MemberB.ID, "processing")
		aID = consentsOf(t, app, c.MemberA.ID)[0].Id
		return app
	}
	scenarios := []tests.ApiScenario{
		{Name: "a member lists their own only", Method: http.MethodGet, URL: "/api/collections/consents/records", Headers: auth(c.MemberA),
			ExpectedStatus: 200, ExpectedContent: []string{`"totalItems":1`, `"user_id":"` + c.MemberA.ID + `"`},
			NotExpectedContent: []string{c.MemberB.ID}},
		{Name: "a leader does not see their referido's", Method: http.MethodGet, URL: "/api/collections/consents/records", Headers: auth(c.LeaderA),
			ExpectedStatus: 200, ExpectedContent: []string{`"totalItems":0`}},
		{Name: "anonymous sees none", Method: http.MethodGet, URL: "/api/collections/consents/records",
			ExpectedStatus: 200, ExpectedContent: []string{`"totalItems":0`}},
		{Name: "a member cannot write one", Method: http.MethodPost, URL: "/api/collections/consents/records", Headers: auth(c.MemberA),
			Body:           strings.NewReader(`{"user_id":"` + c.MemberA.ID + `","purpose":"messaging","granted":true}`),
			ExpectedStatus: 403, ExpectedContent: []string{`"status":403`}},
	}
	for _, s := range scenarios {
		s.TestAppFactory = factory
		s.Test(t)
	}
	// A superuser can neither change nor delete one.
	app := factory(t)
	defer app.Cleanup()
	srv := apptest.Serve(t, app)
	for _, m := range []string{http.MethodPatch, http.MethodDelete} {
		req, _ := http.NewRequest(m, srv.URL+"/api/collections/consents/records/"+aID, strings.NewReader(`{"granted":false}`))
		req.Header.Set("Authorization", c.Superuser.Token)
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 403 {
			t.Errorf("superuser %s consent: %d, want 403", m, res.StatusCode)
		}
	}
	if recs := consentsOf(t, app, c.MemberA.ID); len(recs) != 1 || !recs[0].GetBool("granted") {
		t.Errorf("consent changed: %v", recs)
	}
}

// TestMeConsents: the acceptance a new version asks for (header and code),
// accepting it, the messaging authorisation on and off, and withdrawal,
// which deletes the account and records why.
func TestMeConsents(t *testing.T) {
	t.Parallel()
	c := apptest.Seeded(t)
	x := texts(t)
	post := func(body string) *strings.Reader { return strings.NewReader(body) }
	header := func(want string) func(testing.TB, *tests.TestApp, *http.Response) {
		return func(t testing.TB, _ *tests.TestApp, res *http.Response) {
			if got := res.Header.Get(habeas.PolicyHeader); got != want {
				t.Errorf("%s %q, want %q", habeas.PolicyHeader, got, want)
			}
		}
	}
	accepted := func(t testing.TB) *tests.TestApp { return apptest.NewApp(t) }
	bumped := campaign.Defaults
	bumped.PolicyVersion = "2027-01"
	y := habeas.TextsFor(bumped)
	scenarios := []tests.ApiScenario{
		{Name: "anonymous", Method: http.MethodGet, URL: "/api/me/consents", ExpectedStatus: 401, ExpectedContent: []string{`"code":"auth_required"`}},
		{Name: "a superuser has no consents", Method: http.MethodGet, URL: "/api/me/consents", Headers: auth(c.Superuser),
			ExpectedStatus: 403, ExpectedContent: []string{`"code":"people_only"`}},
		{Name: "an older acceptance must be renewed", Method: http.MethodGet, URL: "/api/me/consents", Headers: auth(c.MemberA),
			TestAppFactory: newVersion,
			ExpectedStatus: 200, ExpectedContent: []string{`"acceptance_required":true`, `"code":"policy_acceptance_required"`,
				`"policy_version":"2027-01"`, `"accepted_version":"2026-12"`, `"sha256":"` + y.Processing.SHA256 + `"`},
			AfterTestFunc: header(habeas.CodeAcceptanceRequired)},
		{Name: "any API answer says so", Method: http.MethodGet, URL: "/api/collections/users/records/" + c.MemberA.ID, Headers: auth(c.MemberA),
			TestAppFactory: newVersion,
			ExpectedStatus: 200, ExpectedContent: []string{`"id":"` + c.MemberA.ID + `"`}, AfterTestFunc: header(habeas.CodeAcceptanceRequired)},
		{Name: "not once accepted", Method: http.MethodGet, URL: "/api/me/consents", Headers: auth(c.MemberA), TestAppFactory: accepted,
			ExpectedStatus: 200, ExpectedContent: []string{`"acceptance_required":false`}, NotExpectedContent: []string{`"code"`},
			AfterTestFunc: header("")},
		{Name: "accepting the version in force", Method: http.MethodPost, URL: "/api/me/consents", Headers: auth(c.MemberA),
			TestAppFactory: newVersion,
			Body:           post(`{"purpose":"processing","granted":true,"text_sha256":"` + y.Processing.SHA256 + `"}`),
			ExpectedStatus: 200, ExpectedContent: []string{`"acceptance_required":false`, `"accepted_version":"2027-01"`, `"source":"nueva_version"`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				header("")(t, app, res)
				u, _ := app.FindRecordById("users", c.MemberA.ID)
				if u.GetString("data_policy_version") != "2027-01" || u.GetDateTime("data_policy_accepted_at").IsZero() {
					t.Errorf("user after acceptance: %v", u)
				}
			}},
		{Name: "accepting the old version's text", Method: http.MethodPost, URL: "/api/me/consents", Headers: auth(c.MemberA),
			TestAppFactory: newVersion,
			Body:           post(`{"purpose":"processing","granted":true,"text_sha256":"` + x.Processing.SHA256 + `"}`),
			ExpectedStatus: 409, ExpectedContent: []string{`"code":"policy_outdated"`}},
		{Name: "an unknown purpose", Method: http.MethodPost, URL: "/api/me/consents", Headers: auth(c.MemberA),
			Body: post(`{"purpose":"marketing","granted":true}`), ExpectedStatus: 400, ExpectedContent: []string{`"code":"invalid_purpose"`}},
		{Name: "granted is required", Method: http.MethodPost, URL: "/api/me/consents", Headers: auth(c.MemberA),
			Body: post(`{"purpose":"messaging"}`), ExpectedStatus: 400, ExpectedContent: []string{`"code":"invalid_body"`}},
		{Name: "messaging on", Method: http.MethodPost, URL: "/api/me/consents", Headers: auth(c.MemberA), TestAppFactory: accepted,
			Body:           post(`{"purpose":"messaging","granted":true,"text_sha256":"` + x.Messaging.SHA256 + `"}`),
			ExpectedStatus: 200, ExpectedContent: []string{`"contact_consent":true`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				recs := consentsOf(t, app, c.MemberA.ID)
				if len(recs) != 1 || recs[0].GetString("purpose") != "messaging" || !recs[0].GetBool("granted") {
					t.Errorf("consents: %v", recs)
				}
			}},
		{Name: "messaging off needs no text", Method: http.MethodPost, URL: "/api/me/consents", Headers: auth(c.MemberA),
			TestAppFactory: func(t testing.TB) *tests.TestApp {
				app := accepted(t)
				u, _ := app.FindRecordById("users", c.MemberA.ID)
				u.Set("contact_consent", true)
				if err := app.Save(u); err != nil {
					t.Fatal(err)
				}
				return app
			},
			Body: post(`{"purpose":"messaging","granted":false}`), ExpectedStatus: 200, ExpectedContent: []string{`"contact_consent":false`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				recs := consentsOf(t, app, c.MemberA.ID)
				if len(recs) != 1 || recs[0].GetBool("granted") {
					t.Errorf("consents: %v", recs)
				}
			}},
		{Name: "a member cannot set contact_consent by hand", Method: http.MethodPatch, URL: "/api/collections/users/records/" + c.MemberA.ID,
			Headers: auth(c.MemberA), Body: post(`{"contact_consent":true}`),
			ExpectedStatus: 400, ExpectedContent: []string{`"contact_consent":{"code":"field_not_editable"`}},
		{Name: "withdrawal deletes the account", Method: http.MethodPost, URL: "/api/me/consents", Headers: auth(c.MemberA),
			Body: post(`{"purpose":"processing","granted":false}`), ExpectedStatus: 200, ExpectedContent: []string{`"deleted":true`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				if _, err := app.FindRecordById("users", c.MemberA.ID); err == nil {
					t.Error("the account is still there")
				}
				if _, err := app.FindFirstRecordByData("cedula_info", "user", c.MemberA.ID); err == nil {
					t.Error("the census record is still there")
				}
				recs := consentsOf(t, app, c.MemberA.ID)
				if len(recs) != 1 || recs[0].GetBool("granted") || recs[0].GetString("source") != habeas.SourceWithdrawal {
					t.Errorf("withdrawal record: %v", recs)
				}
			}},
		{Name: "deleting one's account records a withdrawal", Method: http.MethodDelete, URL: "/api/collections/users/records/" + c.MemberA.ID,
			Headers: auth(c.MemberA), ExpectedStatus: 204,
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				recs := consentsOf(t, app, c.MemberA.ID)
				if len(recs) != 1 || recs[0].GetBool("granted") || recs[0].GetString("purpose") != "processing" {
					t.Errorf("withdrawal record: %v", recs)
				}
			}},
		{Name: "the policy texts are public", Method: http.MethodGet, URL: "/api/policy", ExpectedStatus: 200,
			ExpectedContent: []string{`"version":"2026-12"`, `"controller":"Padrón"`, `"sha256":"` + x.Messaging.SHA256 + `"`, `dato sensible`}},
	}
	for _, s := range scenarios {
		if s.TestAppFactory == nil {
			s.TestAppFactory = func(t testing.TB) *tests.TestApp { return apptest.NewApp(t) }
		}
		s.Test(t)
	}
}

// TestMeExport: a person's export holds all their data and nobody else's;
// the readable page carries the same; only people have one.
func TestMeExport(t *testing.T) {
	t.Parallel()
	c := apptest.Seeded(t)
	factory := func(t testing.TB) *tests.TestApp {
		app := apptest.NewApp(t)
		addConsent(t, app, c.MemberA.ID, "processing")
		addConsent(t, app, c.MemberB.ID, "processing")
		for _, id := range []string{c.MemberA.ID, c.MemberB.ID} {
			col, _ := app.FindCollectionByNameOrId("census_attempts")
			a := core.NewRecord(col)
			a.Set("user", id)
			a.Set("outcome", "active")
			a.Set("attempt", 1)
			a.Set("started_at", time.Now())
			a.Set("raw_response", "RAW-EVIDENCE-"+id)
			if err := app.Save(a); err != nil {
				t.Fatal(err)
			}
		}
		return app
	}
	scenarios := []tests.ApiScenario{
		{Name: "anonymous", Method: http.MethodGet, URL: "/api/me/export", ExpectedStatus: 401, ExpectedContent: []string{`"code":"auth_required"`}},
		{Name: "a superuser", Method: http.MethodGet, URL: "/api/me/export", Headers: auth(c.Superuser),
			ExpectedStatus: 403, ExpectedContent: []string{`"code":"people_only"`}},
		{Name: "a member's own data", Method: http.MethodGet, URL: "/api/me/export", Headers: auth(c.MemberA),
			ExpectedStatus: 200,
			ExpectedContent: []string{`"cedula":"20000001"`, `"name":"Ana Referida"`, `"referred_by_name":"Lucía Líder"`,
				`"cedula_info":{`, `"census_attempts":[{`, `"outcome":"active"`, `"purpose":"processing"`, `"controller":{`},
			NotExpectedContent: []string{"20000002", c.MemberB.ID, "RAW-EVIDENCE", `"password"`, `"tokenKey"`},
			AfterTestFunc: func(t testing.TB, _ *tests.TestApp, res *http.Response) {
				if res.Header.Get("Cache-Control") != "no-store" || !strings.Contains(res.Header.Get("Content-Disposition"), "mis-datos.json") {
					t.Errorf("headers: %v", res.Header)
				}
			}},
		{Name: "a leader's leaves out their referidos", Method: http.MethodGet, URL: "/api/me/export", Headers: auth(c.LeaderA),
			ExpectedStatus: 200, ExpectedContent: []string{`"cedula":"10000001"`, `"referidos_count":1`, `"census_attempts":[]`},
			NotExpectedContent: []string{"20000001", "Ana Referida", c.MemberA.ID}},
		{Name: "the readable page", Method: http.MethodGet, URL: "/api/me/export?format=html", Headers: auth(c.MemberA),
			ExpectedStatus: 200, ExpectedContent: []string{`<h1>Mis datos personales</h1>`, `20000001`, `Tratamiento de datos para la red`},
			NotExpectedContent: []string{"20000002", "RAW-EVIDENCE", "<script"},
			AfterTestFunc: func(t testing.TB, _ *tests.TestApp, res *http.Response) {
				if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") || !strings.Contains(res.Header.Get("Content-Security-Policy"), "default-src 'none'") {
					t.Errorf("headers: %v", res.Header)
				}
			}},
		{Name: "an unknown format", Method: http.MethodGet, URL: "/api/me/export?format=xml", Headers: auth(c.MemberA),
			ExpectedStatus: 400, ExpectedContent: []string{`"code":"invalid_format"`}},
	}
	for _, s := range scenarios {
		s.TestAppFactory = factory
		s.Test(t)
	}
}

// TestExportLog: the referidos CSV is recorded in data_exports (who, what,
// how many rows), which only superusers read or write.
func TestExportLog(t *testing.T) {
	t.Parallel()
	c := apptest.Seeded(t)
	scenarios := []tests.ApiScenario{
		{Name: "a leader's CSV is logged", Method: http.MethodGet, URL: "/api/referidos/export.csv", Headers: auth(c.LeaderA),
			ExpectedStatus: 200, ExpectedContent: []string{"Ana Referida"},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				recs, err := app.FindAllRecords("data_exports")
				if err != nil || len(recs) != 1 {
					t.Fatalf("data_exports: %v %v", recs, err)
				}
				r := recs[0]
				if r.GetString("actor_id") != c.LeaderA.ID || r.GetString("actor_name") != "Lucía Líder" ||
					r.GetString("what") != "referidos.csv" || r.GetInt("rows") != 1 || r.GetString("actor_collection") != "users" {
					t.Errorf("logged: %v", r)
				}
			}},
		{Name: "a superuser's CSV of everyone is logged", Method: http.MethodGet, URL: "/api/referidos/export.csv", Headers: auth(c.Superuser),
			ExpectedStatus: 200, ExpectedContent: []string{"Beto Referido"},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				recs, _ := app.FindAllRecords("data_exports")
				if len(recs) != 1 || recs[0].GetString("actor_collection") != "_superusers" || recs[0].GetInt("rows") != 5 {
					t.Errorf("logged: %v", recs)
				}
			}},
		{Name: "a member's refused export is not", Method: http.MethodGet, URL: "/api/referidos/export.csv", Headers: auth(c.MemberA),
			ExpectedStatus: 403, ExpectedContent: []string{`"code":"leaders_only"`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				if recs, _ := app.FindAllRecords("data_exports"); len(recs) != 0 {
					t.Errorf("logged: %v", recs)
				}
			}},
		{Name: "a leader cannot read the log", Method: http.MethodGet, URL: "/api/collections/data_exports/records", Headers: auth(c.LeaderA),
			ExpectedStatus: 403, ExpectedContent: []string{`"status":403`}},
		{Name: "anonymous cannot read the log", Method: http.MethodGet, URL: "/api/collections/data_exports/records",
			ExpectedStatus: 403, ExpectedContent: []string{`"status":403`}},
		{Name: "a leader cannot write the log", Method: http.MethodPost, URL: "/api/collections/data_exports/records", Headers: auth(c.LeaderA),
			Body: strings.NewReader(`{"actor_id":"x","what":"y"}`), ExpectedStatus: 403, ExpectedContent: []string{`"status":403`}},
		{Name: "a superuser reads it", Method: http.MethodGet, URL: "/api/collections/data_exports/records", Headers: auth(c.Superuser),
			ExpectedStatus: 200, ExpectedContent: []string{`"totalItems":0`}},
		{Name: "nor the purge log", Method: http.MethodGet, URL: "/api/collections/data_purges/records", Headers: auth(c.LeaderA),
			ExpectedStatus: 403, ExpectedContent: []string{`"status":403`}},
	}
	for _, s := range scenarios {
		s.TestAppFactory = func(t testing.TB) *tests.TestApp { return apptest.NewApp(t) }
		s.Test(t)
	}
}

// TestScheduledPurge: with a pinned clock, nothing is deleted before the
// date; at it the evidence goes (attempts and raw answers) and people stay;
// then, at its own date, everyone's data goes. Each run is logged once in
// data_purges and stamped on the campaign record. The cron job is the one
// that does it.
func TestScheduledPurge(t *testing.T) {
	t.Parallel()
	c := apptest.Seeded(t)
	election := time.Date(2026, 3, 8, 21, 0, 0, 0, time.UTC)
	now := election
	app := apptest.NewAppWith(t, config.Default(), server.WithoutWorker(), server.WithClock(func() time.Time { return now }))
	defer app.Cleanup()
	app.Settings().Logs.MaxDays = 5 // PocketBase's default; its test app keeps no logs

	col, _ := app.FindCollectionByNameOrId("census_attempts")
	a := core.NewRecord(col)
	a.Set("user", c.MemberA.ID)
	a.Set("outcome", "active")
	a.Set("started_at", election.Add(-24*time.Hour))
	if err := app.Save(a); err != nil {
		t.Fatal(err)
	}
	info, _ := app.FindFirstRecordByData("cedula_info", "user", c.MemberA.ID)
	info.Set("raw_response", "<html>registrar</html>")
	if err := app.Save(info); err != nil {
		t.Fatal(err)
	}
	// Election day: LeaderA marked MemberA's vote (marked_by is a required
	// reference a deletion of LeaderA cannot clear).
	for _, q := range []string{
		"INSERT INTO elections (id, name, date, current, created, updated) VALUES ('eleccion0000001', 'Congreso', '2026-03-08 13:00:00.000Z', 1, '', '')",
		"INSERT INTO vote_marks (user, election, marked_by, method, marked_at, status, created, updated) VALUES ({:m}, 'eleccion0000001', {:l}, 'leader', '2026-03-08 14:00:00.000Z', 'live', '', '')",
	} {
		if _, err := app.DB().NewQuery(q).Bind(dbx.Params{"m": c.MemberA.ID, "l": c.LeaderA.ID}).Execute(); err != nil {
			t.Fatal(err)
		}
	}
	rec, _ := campaign.Load(app)
	rec.Set("election_date", election)
	rec.Set("purge_evidence_at", election.Add(7*24*time.Hour))
	rec.Set("purge_all_at", election.Add(30*24*time.Hour))
	if err := app.Save(rec); err != nil {
		t.Fatal(err)
	}

	job := purgeJob(t, app)
	count := func(col string) int {
		n, err := app.CountRecords(col)
		if err != nil {
			t.Fatal(err)
		}
		return int(n)
	}

	now = election.Add(7*24*time.Hour - time.Minute)
	job()
	if count("census_attempts") != 1 || count("data_purges") != 0 {
		t.Fatalf("before the date: %d attempts, %d purges", count("census_attempts"), count("data_purges"))
	}

	now = election.Add(7*24*time.Hour + time.Minute)
	job()
	job() // once only
	info, _ = app.FindFirstRecordByData("cedula_info", "user", c.MemberA.ID)
	if count("census_attempts") != 0 || info.GetString("raw_response") != "" || count("users") != 5 {
		t.Errorf("after the evidence date: %d attempts, raw %q, %d users", count("census_attempts"), info.GetString("raw_response"), count("users"))
	}
	purges, _ := app.FindAllRecords("data_purges")
	if len(purges) != 1 || purges[0].GetString("kind") != "evidence" || purges[0].GetInt("deleted") != 1 ||
		!strings.Contains(purges[0].GetString("summary"), "1 consultas") {
		t.Fatalf("purge log: %v", purges)
	}
	rec, _ = campaign.Load(app)
	if rec.GetDateTime("purge_evidence_done_at").IsZero() || !rec.GetDateTime("purge_all_done_at").IsZero() {
		t.Errorf("stamps: %v", rec)
	}

	now = election.Add(30*24*time.Hour + time.Minute)
	job()
	job()
	if count("users") != 0 || count("cedula_info") != 0 || count("cedula_claims") != 0 || count("vote_marks") != 0 || count("network") != 0 {
		t.Errorf("after the final date: %d users, %d census records, %d vote marks, %d network rows",
			count("users"), count("cedula_info"), count("vote_marks"), count("network"))
	}
	purges, _ = app.FindRecordsByFilter("data_purges", "", "created", 0, 0)
	if len(purges) != 2 || purges[1].GetString("kind") != "all" || purges[1].GetInt("deleted") != 6 ||
		!strings.Contains(purges[1].GetString("summary"), "1 registros del Día D") {
		b, _ := json.Marshal(purges)
		t.Errorf("purge log: %s", b)
	}

	// The server's log says so too, once per run, in the dashboard's Logs.
	if h, ok := app.Logger().Handler().(*logger.BatchHandler); ok {
		if err := h.WriteAll(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	var logs []*core.Log
	if err := app.LogQuery().AndWhere(dbx.HashExp{"message": "data purge done"}).OrderBy("created ASC").All(&logs); err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, l := range logs {
		kinds = append(kinds, fmt.Sprint(l.Data["kind"]))
	}
	if strings.Join(kinds, ",") != "evidence,all" {
		t.Errorf("the server logged the purges of %v, want evidence then all", kinds)
	}
}

// TestDataPurgesReadable: the purge log shows in the dashboard by what ran,
// for when, how much and how long.
func TestDataPurgesReadable(t *testing.T) {
	t.Parallel()
	app := apptest.NewApp(t)
	defer app.Cleanup()
	col, err := app.FindCollectionByNameOrId("data_purges")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"kind", "scheduled_for", "deleted", "summary"} {
		f := col.Fields.GetByName(name)
		if f == nil || !reflect.ValueOf(f).Elem().FieldByName("Presentable").Bool() {
			t.Errorf("data_purges.%s is not presentable", name)
		}
	}
	if col.Fields.GetByName("duration_ms") == nil {
		t.Error("data_purges has no duration_ms")
	}
	if col.ListRule != nil || col.ViewRule != nil || col.CreateRule != nil {
		t.Error("data_purges is readable or writable by someone other than superusers")
	}
}

// TestUnlinkNetworkKeepsTheTreeTrue: the full purge's first step (everyone
// a root) leaves the closure table and the tree's counters equal to a
// recount, so a purge stopped half-way leaves /red's figures true.
func TestUnlinkNetworkKeepsTheTreeTrue(t *testing.T) {
	t.Parallel()
	apptest.Seeded(t)
	app := apptest.NewApp(t)
	defer app.Cleanup()
	if err := tree.Verify(app); err != nil {
		t.Fatalf("before: %v", err)
	}
	if err := habeas.UnlinkNetwork(app); err != nil {
		t.Fatal(err)
	}
	if err := tree.Verify(app); err != nil {
		t.Errorf("after unlinking: %v", err)
	}
	if n, _ := app.CountRecords("network"); n != 5 {
		t.Errorf("network rows after unlinking: %d, want each person's own (5)", n)
	}
}

// TestPurgeJobAfterTheAppCloses: the cron ticker can fire the purge job
// as the app terminates; a run that starts after termination leaves the
// closed database alone instead of crashing on it.
func TestPurgeJobAfterTheAppCloses(t *testing.T) {
	t.Parallel()
	app := apptest.NewApp(t)
	job := purgeJob(t, app)
	job() // open: runs (nothing is due)
	app.Cleanup()
	job()
}

// purgeJob is the app's scheduled-deletions cron job, for a test to run it
// when it wants.
func purgeJob(t *testing.T, app core.App) func() {
	t.Helper()
	for _, j := range app.Cron().Jobs() {
		if j.Id() == habeas.PurgeJobID {
			return j.Run
		}
	}
	t.Fatal("no purge cron job")
	return nil
}
