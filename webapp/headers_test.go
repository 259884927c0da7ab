package webapp_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"github.com/padron/padron/apptest"
)

// TestAPIAnswersAreNotStored: every API answer about a person (records with
// cédulas and phones, Padrón's endpoints, their errors) says no-store, so no
// browser or proxy cache keeps it; the public OpenAPI document and health
// may be cached, and the app's hashed assets still are, for a year.
func TestAPIAnswersAreNotStored(t *testing.T) {
	t.Parallel()
	c := apptest.Seeded(t)
	auth := func(p apptest.Person) map[string]string { return map[string]string{"Authorization": p.Token} }
	cacheControl := func(want string) func(testing.TB, *tests.TestApp, *http.Response) {
		return func(t testing.TB, _ *tests.TestApp, res *http.Response) {
			if got := res.Header.Get("Cache-Control"); got != want {
				t.Errorf("Cache-Control %q, want %q", got, want)
			}
		}
	}
	scenarios := []tests.ApiScenario{
		{Name: "own user record", Method: http.MethodGet, URL: "/api/collections/users/records/" + c.MemberA.ID, Headers: auth(c.MemberA),
			ExpectedStatus: 200, ExpectedContent: []string{`"cedula":"20000001"`}, AfterTestFunc: cacheControl("no-store")},
		{Name: "users list", Method: http.MethodGet, URL: "/api/collections/users/records", Headers: auth(c.LeaderA),
			ExpectedStatus: 200, ExpectedContent: []string{`"phone":"3001234567"`}, AfterTestFunc: cacheControl("no-store")},
		{Name: "cedula_info list", Method: http.MethodGet, URL: "/api/collections/cedula_info/records", Headers: auth(c.LeaderA),
			ExpectedStatus: 200, ExpectedContent: []string{`"items"`}, AfterTestFunc: cacheControl("no-store")},
		{Name: "referidos view", Method: http.MethodGet, URL: "/api/collections/referidos/records", Headers: auth(c.LeaderA),
			ExpectedStatus: 200, ExpectedContent: []string{`"name":"Ana Referida"`}, AfterTestFunc: cacheControl("no-store")},
		{Name: "cedula_claims by id", Method: http.MethodGet, URL: "/api/collections/cedula_claims/records", Headers: auth(c.Superuser),
			ExpectedStatus: 200, ExpectedContent: []string{`"items"`}, AfterTestFunc: cacheControl("no-store")},
		{Name: "referidos stats", Method: http.MethodGet, URL: "/api/referidos/stats", Headers: auth(c.LeaderA),
			ExpectedStatus: 200, ExpectedContent: []string{`{`}, AfterTestFunc: cacheControl("no-store")},
		{Name: "census worker", Method: http.MethodGet, URL: "/api/census/worker", Headers: auth(c.Superuser),
			ExpectedStatus: 200, ExpectedContent: []string{`{`}, AfterTestFunc: cacheControl("no-store")},
		{Name: "an error", Method: http.MethodGet, URL: "/api/collections/users/records/" + c.MemberB.ID, Headers: auth(c.MemberA),
			ExpectedStatus: 404, ExpectedContent: []string{`"status":404`}, AfterTestFunc: cacheControl("no-store")},
		{Name: "the public OpenAPI document", Method: http.MethodGet, URL: "/api/padron/openapi.json",
			ExpectedStatus: 200, ExpectedContent: []string{`"openapi"`}, AfterTestFunc: cacheControl("")},
		{Name: "health", Method: http.MethodGet, URL: "/api/health",
			ExpectedStatus: 200, ExpectedContent: []string{`"code":200`}, AfterTestFunc: cacheControl("")},
	}
	for _, s := range scenarios {
		s.TestAppFactory = func(t testing.TB) *tests.TestApp { return apptest.NewApp(t) }
		s.Test(t)
	}
}

// TestCollectionByIDNotStored: a record API reached through the
// collection's id, or its name in capitals, is not stored either.
func TestCollectionByIDNotStored(t *testing.T) {
	t.Parallel()
	c := apptest.Seeded(t)
	app := apptest.NewApp(t)
	defer app.Cleanup()
	users, err := app.FindCollectionByNameOrId("users")
	if err != nil {
		t.Fatal(err)
	}
	srv := apptest.Serve(t, app)
	for _, p := range []string{"/api/collections/" + users.Id + "/records", "/api/collections/USERS/records"} {
		res, body := get(t, srv.URL+p, "Authorization", c.LeaderA.Token)
		if res.StatusCode != 200 || !strings.Contains(body, c.MemberA.Cedula) || res.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("GET %s: %d, Cache-Control %q", p, res.StatusCode, res.Header.Get("Cache-Control"))
		}
	}
}
