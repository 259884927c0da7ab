package routes_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/padron/padron/apptest"
	"github.com/padron/padron/campaign"
	"github.com/padron/padron/habeas"
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
		"status": "open", "data_policy_version": "2026-11", "data_policy_sha256": strings.Repeat("a", 64),
		"contact_consent": true, "contact_consent_sha256": strings.Repeat("b", 64)} {
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
		got := map[string]string{}
		for _, r := range consents {
			if r.GetString("source") != "reclamo" || r.GetString("policy_version") != "2026-11" || !r.GetBool("granted") {
				t.Errorf("consent %s: source %q version %q granted %v", r.GetString("purpose"), r.GetString("source"), r.GetString("policy_version"), r.GetBool("granted"))
			}
			got[r.GetString("purpose")] = r.GetString("text_sha256")
		}
		if err != nil || len(consents) != 2 || got["processing"] != strings.Repeat("a", 64) || got["messaging"] != strings.Repeat("b", 64) {
			t.Errorf("the claimant's consents (purpose → hash): %v %v", got, err)
		}
		if !u.GetBool("contact_consent") {
			t.Error("the claimant authorised messages; the account says no")
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

	shown := habeas.TextsFor(campaign.Defaults)
	// stored checks what a valid claim keeps: the version, the hashes of
	// the texts in force and the messaging choice, and a password hash the
	// claimant's password opens.
	stored := func(password string, contact bool) func(testing.TB, *tests.TestApp, *http.Response) {
		return func(t testing.TB, app *tests.TestApp, _ *http.Response) {
			claims, err := app.FindAllRecords(schema.ClaimsCollection)
			if err != nil || len(claims) != 1 {
				t.Fatalf("claims: %v %v", claims, err)
			}
			r := claims[0]
			wantContact := ""
			if contact {
				wantContact = shown.Messaging.SHA256
			}
			if r.GetString("data_policy_version") != shown.Version || r.GetString("data_policy_sha256") != shown.Processing.SHA256 ||
				r.GetBool("contact_consent") != contact || r.GetString("contact_consent_sha256") != wantContact {
				t.Errorf("claim keeps version %q, processing %q, contact %v %q", r.GetString("data_policy_version"),
					r.GetString("data_policy_sha256"), r.GetBool("contact_consent"), r.GetString("contact_consent_sha256"))
			}
			if pw, _ := r.GetRaw("password").(*core.PasswordFieldValue); pw == nil || !pw.Validate(password) {
				t.Error("the stored hash does not open with the claimant's password")
			}
		}
	}
	withConsents := create("a claim with both authorisations and their hashes", claimBody(
		"data_policy_sha256", `"`+shown.Processing.SHA256+`"`, "contact_consent", "true",
		"contact_consent_sha256", `"`+shown.Messaging.SHA256+`"`), 200, `"status":"open"`)
	withConsents.AfterTestFunc = stored(claimPassword, true)
	noHash := create("an older form without hashes records the texts in force, messaging off", claimBody(), 200, `"status":"open"`)
	noHash.AfterTestFunc = stored(claimPassword, false)
	pw72 := strings.Repeat("a", 72)
	ascii72 := create("72 plain letters (72 bytes) are a valid password", claimBody("password", `"`+pw72+`"`, "passwordConfirm", `"`+pw72+`"`), 200, `"status":"open"`)
	ascii72.AfterTestFunc = stored(pw72, false)
	pwTilde := strings.Repeat("ñ", 36)
	tilde72 := create("36 letters with tildes (72 bytes) are a valid password", claimBody("password", `"`+pwTilde+`"`, "passwordConfirm", `"`+pwTilde+`"`), 200, `"status":"open"`)
	tilde72.AfterTestFunc = stored(pwTilde, false)
	outdated := strings.Repeat("0", 64)

	for _, s := range []tests.ApiScenario{
		withConsents, noHash, ascii72, tilde72,
		create("a processing text that is not the one in force", claimBody("data_policy_sha256", `"`+outdated+`"`), 400,
			`"data_policy_sha256":{"code":"policy_outdated"`, "Recarga la página"),
		create("a messaging text that is not the one in force", claimBody("contact_consent", "true", "contact_consent_sha256", `"`+outdated+`"`), 400,
			`"contact_consent_sha256":{"code":"policy_outdated"`),
		create("the authorisation's hash must be text", claimBody("data_policy_sha256", "12"), 400, `"data_policy_sha256":{"code":"policy_outdated"`),
		create("37 letters with tildes (74 bytes)", claimBody("password", `"`+strings.Repeat("ñ", 37)+`"`, "passwordConfirm", `"`+strings.Repeat("ñ", 37)+`"`), 400,
			`"password":{"code":"password_length"`, "72 bytes"),
		create("7 characters", claimBody("password", `"abcdefg"`, "passwordConfirm", `"abcdefg"`), 400, `"password":{"code":"password_length"`, "al menos 8"),
		create("the confirmation differs", claimBody("passwordConfirm", `"otra-cosa-distinta"`), 400, `"passwordConfirm":{"code":"password_mismatch"`),
		create("anyone files a claim", claimBody(), 200, `"status":"open"`, `"cedula":"20000001"`, `"phone":"3105551234"`),
		create("an unregistered cédula", claimBody("cedula", `"55555555"`), 400, `"cedula":{"code":"cedula_not_registered"`),
		create("the claimant cannot set the status", claimBody("status", `"transferred"`), 400, `"status":{"code":"field_not_allowed"`),
		create("the claimant cannot name the new account", claimBody("new_user", `"`+c.LeaderA.ID+`"`), 400, `"new_user":{"code":"field_not_allowed"`),
		create("the policy must be accepted", claimBody("data_policy_accepted", `false`), 400, `"data_policy_accepted":{"code":"data_policy_required"`, "para enviar tu reporte"),
		create("a bad phone", claimBody("phone", `"12345"`), 400, `"phone":{"code":"phone_invalid"`),
		create("a password bcrypt cannot take", claimBody("password", `"`+strings.Repeat("ñ", 40)+`"`), 400, `"password":{"code":"password_length"`),
		transfer, twice, leader, member, listing,
		resolve("an unknown claim", "transfer", auth(c.Superuser), 404, `"code":"claim_not_found"`),
	} {
		s.Test(t)
	}
}
