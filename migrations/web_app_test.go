package migrations_test

import (
	"net/http"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/padron/padron/apptest"
	_ "github.com/padron/padron/migrations"
	"github.com/padron/padron/schema"
)

const grandchildID = "nietonietoniet1" // MemberA's referido, LeaderA's referido's referido

// withGrandchild is the seeded app plus one user referred by MemberA.
func withGrandchild(t testing.TB) *tests.TestApp {
	t.Helper()
	app := apptest.NewApp(t)
	c := apptest.Seeded(t)
	col, err := app.FindCollectionByNameOrId(schema.UsersCollection)
	if err != nil {
		t.Fatal(err)
	}
	r := core.NewRecord(col)
	r.Id = grandchildID
	r.Set("name", "Nieto Referido")
	r.Set("cedula", "60000001")
	r.Set("phone", "3157654321")
	r.Set("role", schema.RoleMember)
	r.Set("referred_by", c.MemberA.ID)
	r.SetPassword(apptest.Password)
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
	return app
}

func auth(p apptest.Person) map[string]string { return map[string]string{"Authorization": p.Token} }

// TestReferidosViewRBAC: every user reads the name and registration date of
// the people they referred, and nothing else of anyone.
func TestReferidosViewRBAC(t *testing.T) {
	c := apptest.Seeded(t)
	list := "/api/collections/referidos/records"
	scenarios := []tests.ApiScenario{
		{
			Name: "anonymous sees nothing", Method: http.MethodGet, URL: list,
			ExpectedStatus: 200, ExpectedContent: []string{`"totalItems":0`},
		},
		{
			Name: "a member sees their referido's name and date only", Method: http.MethodGet, URL: list, Headers: auth(c.MemberA),
			ExpectedStatus: 200,
			ExpectedContent: []string{`"totalItems":1`, `"name":"Nieto Referido"`, `"id":"` + grandchildID + `"`, `"created":"`,
				`"collectionName":"referidos"`},
			NotExpectedContent: []string{"60000001", "3157654321", `"cedula"`, `"phone"`, `"role"`, `"email"`, `"referral_code"`, `"status"`},
		},
		{
			Name: "another member does not see them", Method: http.MethodGet, URL: list, Headers: auth(c.MemberB),
			ExpectedStatus: 200, ExpectedContent: []string{`"totalItems":0`},
		},
		{
			Name: "a member cannot read another's referido by id", Method: http.MethodGet, URL: list + "/" + grandchildID, Headers: auth(c.MemberB),
			ExpectedStatus: 404, ExpectedContent: []string{`"status":404`},
		},
		{
			Name: "a member cannot widen the filter", Method: http.MethodGet, URL: list + "?filter=" + "referred_by%3D%27" + c.LeaderA.ID + "%27", Headers: auth(c.MemberA),
			ExpectedStatus: 200, ExpectedContent: []string{`"totalItems":0`},
		},
		{
			Name: "a leader sees their own referidos, not their referidos' referidos", Method: http.MethodGet, URL: list, Headers: auth(c.LeaderA),
			ExpectedStatus: 200, ExpectedContent: []string{`"totalItems":1`, `"name":"Ana Referida"`}, NotExpectedContent: []string{"Nieto"},
		},
		{
			Name: "the view is read-only", Method: http.MethodPost, URL: list, Headers: auth(c.MemberA),
			Body: nil, ExpectedStatus: 400, ExpectedContent: []string{`"data":{}`},
		},
		{
			Name: "a member still cannot read the referido's users row", Method: http.MethodGet,
			URL: "/api/collections/users/records/" + grandchildID, Headers: auth(c.MemberA),
			ExpectedStatus: 404, ExpectedContent: []string{`"status":404`},
		},
		{
			Name: "nor list it", Method: http.MethodGet, URL: "/api/collections/users/records", Headers: auth(c.MemberA),
			ExpectedStatus: 200, ExpectedContent: []string{`"totalItems":1`, `"id":"` + c.MemberA.ID + `"`}, NotExpectedContent: []string{grandchildID},
		},
		{
			Name: "nor the referido's cedula_info", Method: http.MethodGet,
			URL: "/api/collections/cedula_info/records?filter=" + "user%3D%27" + grandchildID + "%27", Headers: auth(c.MemberA),
			ExpectedStatus: 200, ExpectedContent: []string{`"totalItems":0`},
		},
		{
			Name: "superusers see every referido", Method: http.MethodGet, URL: list, Headers: auth(c.Superuser),
			ExpectedStatus: 200, ExpectedContent: []string{`"totalItems":3`},
		},
	}
	for _, s := range scenarios {
		s.TestAppFactory = func(t testing.TB) *tests.TestApp { return withGrandchild(t) }
		s.Test(t)
	}
}

// TestSessionLength: a token lasts schema.SessionDays, the "Recordarme" promise.
func TestSessionLength(t *testing.T) {
	app := apptest.NewApp(t)
	defer app.Cleanup()
	users, err := app.FindCollectionByNameOrId(schema.UsersCollection)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := users.AuthToken.Duration, int64(schema.SessionDays*24*60*60); got != want {
		t.Errorf("users token duration %d s, want %d", got, want)
	}
}
