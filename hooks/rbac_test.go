package hooks_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/padron/padron/apptest"
)

func auth(p apptest.Person) map[string]string { return map[string]string{"Authorization": p.Token} }

func TestUsersRBAC(t *testing.T) {
	t.Parallel()
	c := apptest.Seeded(t)
	users := "/api/collections/users/records"
	patch := func(p apptest.Person, target apptest.Person, json string, status int, content ...string) tests.ApiScenario {
		return tests.ApiScenario{
			Method: http.MethodPatch, URL: users + "/" + target.ID, Body: strings.NewReader(json),
			Headers: auth(p), ExpectedStatus: status, ExpectedContent: content,
		}
	}

	scenarios := []tests.ApiScenario{
		{
			Name: "anonymous lists nobody", Method: http.MethodGet, URL: users,
			ExpectedStatus: 200, ExpectedContent: []string{`"totalItems":0`},
		},
		{
			Name: "member lists only themself", Method: http.MethodGet, URL: users, Headers: auth(c.MemberA),
			ExpectedStatus: 200, ExpectedContent: []string{`"totalItems":1`, c.MemberA.ID},
			NotExpectedContent: []string{c.LeaderA.Cedula, c.Loner.ID},
		},
		{
			Name: "leader lists themself and their referidos only", Method: http.MethodGet, URL: users, Headers: auth(c.LeaderA),
			ExpectedStatus: 200, ExpectedContent: []string{`"totalItems":2`, c.LeaderA.ID, c.MemberA.ID},
			NotExpectedContent: []string{c.MemberB.ID, c.Loner.ID, c.LeaderB.ID},
		},
		{
			Name: "leader views a referido", Method: http.MethodGet, URL: users + "/" + c.MemberA.ID, Headers: auth(c.LeaderA),
			ExpectedStatus: 200, ExpectedContent: []string{c.MemberA.Cedula},
		},
		{
			Name: "leader cannot view another leader's referido", Method: http.MethodGet, URL: users + "/" + c.MemberB.ID, Headers: auth(c.LeaderA),
			ExpectedStatus: 404, ExpectedContent: []string{`"status":404`},
		},
		{
			Name: "member cannot view their own leader", Method: http.MethodGet, URL: users + "/" + c.LeaderA.ID, Headers: auth(c.MemberA),
			ExpectedStatus: 404, ExpectedContent: []string{`"status":404`},
		},
		{
			Name: "member cannot filter their way to others", Method: http.MethodGet, URL: users + "?filter=" + "cedula%3D%2720000002%27", Headers: auth(c.MemberA),
			ExpectedStatus: 200, ExpectedContent: []string{`"totalItems":0`},
		},
		with("member edits own name and phone", patch(c.MemberA, c.MemberA, `{"name":"Ana  María Referida","phone":"310 555 1234","referral_goal":25}`, 200,
			`"name":"Ana María Referida"`, `"phone":"3105551234"`, `"referral_goal":25`)),
		with("member cannot change own role", patch(c.MemberA, c.MemberA, `{"role":"leader"}`, 400, `"role":{"code":"field_not_editable"`)),
		with("member cannot change own cédula", patch(c.MemberA, c.MemberA, `{"cedula":"30000000"}`, 400, `"cedula":{"code":"field_not_editable"`)),
		with("member cannot change referred_by", patch(c.MemberA, c.MemberA, `{"referred_by":"`+c.LeaderB.ID+`"}`, 400, `"referred_by":{"code":"field_not_editable"`)),
		with("member cannot change referral_code", patch(c.MemberA, c.MemberA, `{"referral_code":"ZZZZZZZZ"}`, 400, `"referral_code":{"code":"field_not_editable"`)),
		with("member cannot verify themself", patch(c.MemberA, c.MemberA, `{"verified":true}`, 400, `"verified":{"code":"field_not_editable"`)),
		with("member gets Spanish errors on bad edits", patch(c.MemberA, c.MemberA, `{"phone":"123","name":"R2D2"}`, 400,
			`"phone":{"code":"phone_invalid"`, `"name":{"code":"name_invalid_chars"`)),
		with("member cannot edit someone else", patch(c.MemberA, c.MemberB, `{"name":"Hackeado"}`, 404, `"status":404`)),
		with("leader cannot edit a referido", patch(c.LeaderA, c.MemberA, `{"name":"Cambiado Por Líder"}`, 404, `"status":404`)),
		with("leader cannot promote a referido", patch(c.LeaderA, c.MemberA, `{"role":"leader"}`, 404, `"status":404`)),
		with("superuser changes a role", patch(c.Superuser, c.MemberA, `{"role":"leader"}`, 200, `"role":"leader"`)),
		{
			Name: "member deletes own account; cedula_info goes with it", Method: http.MethodDelete,
			URL: users + "/" + c.MemberA.ID, Headers: auth(c.MemberA), ExpectedStatus: 204,
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				if _, err := app.FindFirstRecordByData("cedula_info", "user", c.MemberA.ID); err == nil {
					t.Fatal("cedula_info survived its user")
				}
			},
		},
		{
			Name: "member cannot delete someone else", Method: http.MethodDelete,
			URL: users + "/" + c.MemberB.ID, Headers: auth(c.MemberA), ExpectedStatus: 404,
			ExpectedContent: []string{`"status":404`},
		},
		{
			Name: "leader leaves; referidos stay, unattributed", Method: http.MethodDelete,
			URL: users + "/" + c.LeaderA.ID, Headers: auth(c.LeaderA), ExpectedStatus: 204,
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				m, err := app.FindRecordById("users", c.MemberA.ID)
				if err != nil {
					t.Fatalf("referido deleted with their leader: %v", err)
				}
				if got := m.GetString("referred_by"); got != "" {
					t.Fatalf("referred_by = %q, want cleared", got)
				}
			},
		},
	}
	for _, s := range scenarios {
		s.TestAppFactory = factory
		s.Test(t)
	}
}

func with(name string, s tests.ApiScenario) tests.ApiScenario {
	s.Name = name
	return s
}

func TestCedulaInfoRBAC(t *testing.T) {
	t.Parallel()
	c := apptest.Seeded(t)
	infos := "/api/collections/cedula_info/records"
	infoID := func(app *tests.TestApp, user string) string {
		r, err := app.FindFirstRecordByData("cedula_info", "user", user)
		if err != nil {
			panic(err)
		}
		return r.Id
	}
	// Give MemberA's record a raw response so its visibility can be checked.
	withRaw := func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
		r, err := app.FindFirstRecordByData("cedula_info", "user", c.MemberA.ID)
		if err != nil {
			t.Fatal(err)
		}
		r.Set("raw_response", `{"secreto":"crudo"}`)
		if err := app.Save(r); err != nil {
			t.Fatal(err)
		}
	}

	scenarios := []tests.ApiScenario{
		{
			Name: "anonymous sees none", Method: http.MethodGet, URL: infos,
			ExpectedStatus: 200, ExpectedContent: []string{`"totalItems":0`},
		},
		{
			Name: "member sees only their own, raw response hidden", Method: http.MethodGet, URL: infos, Headers: auth(c.MemberA),
			BeforeTestFunc: withRaw,
			ExpectedStatus: 200, ExpectedContent: []string{`"totalItems":1`, c.MemberA.ID},
			NotExpectedContent: []string{"raw_response", "crudo"},
		},
		{
			Name: "leader sees own and referidos', raw response hidden", Method: http.MethodGet, URL: infos + "?expand=user", Headers: auth(c.LeaderA),
			BeforeTestFunc: withRaw,
			ExpectedStatus: 200, ExpectedContent: []string{`"totalItems":2`, c.MemberA.ID, c.LeaderA.ID},
			NotExpectedContent: []string{c.MemberB.ID, "crudo"},
		},
		{
			Name: "superuser sees everything, raw response included", Method: http.MethodGet, URL: infos, Headers: auth(c.Superuser),
			BeforeTestFunc: withRaw,
			ExpectedStatus: 200, ExpectedContent: []string{`"totalItems":5`, "crudo"},
		},
		{
			Name: "member cannot create", Method: http.MethodPost, URL: infos, Headers: auth(c.Loner),
			Body:           strings.NewReader(`{"user":"` + c.Loner.ID + `","status":"active"}`),
			ExpectedStatus: 403, ExpectedContent: []string{`"status":403`},
		},
	}
	// Writes to an existing record, by every non-superuser role.
	for _, p := range []struct {
		name string
		who  apptest.Person
	}{{"owner", c.MemberA}, {"their leader", c.LeaderA}, {"another leader", c.LeaderB}} {
		scenarios = append(scenarios,
			tests.ApiScenario{
				Name: p.name + " cannot mark a check active", Method: http.MethodPatch, Headers: auth(p.who),
				Body:           strings.NewReader(`{"status":"active","departamento":"FALSO"}`),
				ExpectedStatus: 403, ExpectedContent: []string{`"status":403`},
			},
			tests.ApiScenario{
				Name: p.name + " cannot delete a check", Method: http.MethodDelete, Headers: auth(p.who),
				ExpectedStatus: 403, ExpectedContent: []string{`"status":403`},
			},
		)
	}
	for _, s := range scenarios {
		s.TestAppFactory = factory
		if s.URL == "" {
			// the record id is only known once an app exists; clones share it
			app := apptest.NewApp(t)
			s.URL = infos + "/" + infoID(app, c.MemberA.ID)
			app.Cleanup()
		}
		s.Test(t)
	}
}

func TestSuperuserCedulaChangeResetsCheck(t *testing.T) {
	t.Parallel()
	c := apptest.Seeded(t)
	s := tests.ApiScenario{
		Name: "superuser edits a cédula", Method: http.MethodPatch,
		URL:     "/api/collections/users/records/" + c.MemberA.ID,
		Body:    strings.NewReader(`{"cedula":"30.000.123"}`),
		Headers: auth(c.Superuser),
		BeforeTestFunc: func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
			r, _ := app.FindFirstRecordByData("cedula_info", "user", c.MemberA.ID)
			r.Set("status", "active")
			r.Set("departamento", "ANTIOQUIA")
			r.Set("attempts", 2)
			if err := app.Save(r); err != nil {
				t.Fatal(err)
			}
		},
		ExpectedStatus:  200,
		ExpectedContent: []string{`"cedula":"30000123"`},
		AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
			r, _ := app.FindFirstRecordByData("cedula_info", "user", c.MemberA.ID)
			if r.GetString("status") != "pending" || r.GetString("departamento") != "" || r.GetInt("attempts") != 0 {
				t.Fatalf("cedula_info not reset: status=%q departamento=%q attempts=%d",
					r.GetString("status"), r.GetString("departamento"), r.GetInt("attempts"))
			}
		},
		TestAppFactory: factory,
	}
	s.Test(t)
}
