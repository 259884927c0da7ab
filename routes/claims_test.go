package routes_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/padron/padron/apptest"
	"github.com/padron/padron/schema"
)

const (
	claimPassword = "mi-cedula-es-mia"
	claimID       = "reclamo00000001"
)

// claimBody is a valid claim for MemberA's cédula plus overrides.
func claimBody(overrides ...string) *strings.Reader {
	fields := map[string]string{
		"name": `"Ana Verdadera"`, "cedula": `"20.000.001"`, "phone": `"310 555 1234"`,
		"password": `"` + claimPassword + `"`, "passwordConfirm": `"` + claimPassword + `"`, "data_policy_accepted": "true",
	}
	for i := 0; i+1 < len(overrides); i += 2 {
		fields[overrides[i]] = overrides[i+1]
	}
	var parts []string
	for k, v := range fields {
		if v != "" {
			parts = append(parts, `"`+k+`":`+v)
		}
	}
	return strings.NewReader("{" + strings.Join(parts, ",") + "}")
}

// fileClaim files a claim for MemberA's cédula as the public form does.
func fileClaim(t testing.TB, app core.App) *core.Record {
	t.Helper()
	col, err := app.FindCollectionByNameOrId(schema.ClaimsCollection)
	if err != nil {
		t.Fatal(err)
	}
	r := core.NewRecord(col)
	r.Id = claimID
	for k, v := range map[string]any{"name": "Ana Verdadera", "cedula": "20000001", "phone": "3105551234",
		"status": "open", "data_policy_version": "2026-11"} {
		r.Set(k, v)
	}
	r.SetPassword(claimPassword)
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
	return r
}

func TestCedulaClaims(t *testing.T) {
	t.Parallel()
	c := apptest.Seeded(t)
	factory := func(t testing.TB) *tests.TestApp { return apptest.NewApp(t) }
	create := func(name string, body *strings.Reader, status int, content ...string) tests.ApiScenario {
		return tests.ApiScenario{Name: name, Method: http.MethodPost, URL: "/api/collections/cedula_claims/records",
			Body: body, ExpectedStatus: status, ExpectedContent: content, NotExpectedContent: []string{claimPassword, `$2a$`},
			TestAppFactory: factory}
	}
	withClaim := func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) { fileClaim(t, app) }
	resolve := func(name, action string, who map[string]string, status int, content ...string) tests.ApiScenario {
		return tests.ApiScenario{Name: name, Method: http.MethodPost, Headers: who,
			URL: "/api/cedula-claims/" + claimID + "/" + action, Body: strings.NewReader(`{"note":"verificado por teléfono"}`),
			ExpectedStatus: status, ExpectedContent: content, TestAppFactory: factory}
	}
	transfer := resolve("superuser hands the cédula over", "transfer", auth(c.Superuser), 200, `"status":"transferred"`, `"new_user":"`)
	transfer.BeforeTestFunc = withClaim
	transfer.AfterTestFunc = func(t testing.TB, app *tests.TestApp, res *http.Response) {
		if _, err := app.FindRecordById(schema.UsersCollection, c.MemberA.ID); err == nil {
			t.Error("the account that held the cédula still exists")
		}
		u, err := app.FindFirstRecordByData(schema.UsersCollection, "cedula", "20000001")
		if err != nil || u.GetString("name") != "Ana Verdadera" || !u.ValidatePassword(claimPassword) {
			t.Fatalf("the claimant's account: %v %v", u, err)
		}
		if _, err := app.FindFirstRecordByData(schema.CedulaInfoCollection, "user", u.Id); err != nil {
			t.Errorf("the claimant has no census record: %v", err)
		}
		claim, _ := app.FindRecordById(schema.ClaimsCollection, claimID)
		if !strings.Contains(claim.GetString("replaced"), "Ana Referida") || claim.GetString("new_user") != u.Id {
			t.Errorf("the claim keeps %q / %q, want the replaced account and the new one", claim.GetString("replaced"), claim.GetString("new_user"))
		}
		consents, err := app.FindRecordsByFilter(schema.ConsentsCollection, "user_id = {:id}", "", 0, 0, map[string]any{"id": u.Id})
		if err != nil || len(consents) != 1 || consents[0].GetString("source") != "reclamo" || consents[0].GetString("policy_version") != "2026-11" {
			t.Errorf("the claimant's consent record: %v %v", consents, err)
		}
	}
	twice := resolve("a resolved claim cannot be resolved again", "reject", auth(c.Superuser), 409, `"code":"claim_resolved"`)
	twice.BeforeTestFunc = func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
		withClaim(t, app, e)
		claim, _ := app.FindRecordById(schema.ClaimsCollection, claimID)
		claim.Set("status", "rejected")
		if err := app.Save(claim); err != nil {
			t.Fatal(err)
		}
	}
	leader := resolve("a leader cannot hand a cédula over", "transfer", auth(c.LeaderA), 403, `"status":403`)
	leader.BeforeTestFunc = withClaim
	member := resolve("the claimant's target cannot reject it", "reject", auth(c.MemberA), 403, `"status":403`)
	member.BeforeTestFunc = withClaim
	listing := tests.ApiScenario{Name: "a leader cannot read claims", Method: http.MethodGet, Headers: auth(c.LeaderA),
		URL: "/api/collections/cedula_claims/records", ExpectedStatus: 403, ExpectedContent: []string{`"status":403`}, TestAppFactory: factory}

	for _, s := range []tests.ApiScenario{
		create("anyone files a claim", claimBody(), 200, `"status":"open"`, `"cedula":"20000001"`, `"phone":"3105551234"`),
		create("an unregistered cédula", claimBody("cedula", `"55555555"`), 400, `"cedula":{"code":"cedula_not_registered"`),
		create("the claimant cannot set the status", claimBody("status", `"transferred"`), 400, `"status":{"code":"field_not_allowed"`),
		create("the claimant cannot name the new account", claimBody("new_user", `"`+c.LeaderA.ID+`"`), 400, `"new_user":{"code":"field_not_allowed"`),
		create("the policy must be accepted", claimBody("data_policy_accepted", `false`), 400, `"data_policy_accepted":{"code":"data_policy_required"`),
		create("a bad phone", claimBody("phone", `"12345"`), 400, `"phone":{"code":"phone_invalid"`),
		create("a password bcrypt cannot take", claimBody("password", `"`+strings.Repeat("ñ", 40)+`"`), 400, `"password":{"code":"password_length"`),
		transfer, twice, leader, member, listing,
		resolve("an unknown claim", "transfer", auth(c.Superuser), 404, `"code":"claim_not_found"`),
	} {
		s.Test(t)
	}
}
