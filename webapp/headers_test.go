package webapp_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"github.com/padron/padron/apptest"
	"github.com/padron/padron/webapp"
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

// TestETagPerEncoding: the gzipped and the plain body of an asset have
// different ETags (a cache must never take one for the other), both vary
// on Accept-Encoding, and a conditional request holding either gets 304
// with the ETag it holds.
func TestETagPerEncoding(t *testing.T) {
	t.Parallel()
	app := apptest.NewApp(t)
	defer app.Cleanup()
	srv := apptest.Serve(t, app)
	_, shell := get(t, srv.URL+"/")
	m := versionRe.FindStringSubmatch(shell)
	if m == nil {
		t.Fatalf("no versioned main.js in the shell: %.300s", shell)
	}
	url := srv.URL + "/assets/" + m[1] + "/js/main.js"

	gz, _ := get(t, url, "Accept-Encoding", "gzip")
	plain, _ := get(t, url, "Accept-Encoding", "identity")
	if gz.Header.Get("Content-Encoding") != "gzip" || plain.Header.Get("Content-Encoding") != "" {
		t.Fatalf("encodings: %q and %q", gz.Header.Get("Content-Encoding"), plain.Header.Get("Content-Encoding"))
	}
	gzTag, plainTag := gz.Header.Get("ETag"), plain.Header.Get("ETag")
	if gzTag == "" || plainTag == "" || gzTag == plainTag {
		t.Fatalf("ETags gzip %q, plain %q: want two different ones", gzTag, plainTag)
	}
	for _, res := range []*http.Response{gz, plain} {
		if v := res.Header.Values("Vary"); !strings.Contains(strings.Join(v, ","), "Accept-Encoding") {
			t.Errorf("Vary %q", v)
		}
	}
	for _, tc := range []struct{ enc, held string }{
		{"gzip", gzTag}, {"identity", plainTag}, {"gzip", plainTag}, {"gzip", "W/" + gzTag},
	} {
		res, body := get(t, url, "Accept-Encoding", tc.enc, "If-None-Match", tc.held)
		if want := strings.TrimPrefix(tc.held, "W/"); res.StatusCode != 304 || res.Header.Get("ETag") != want || body != "" {
			t.Errorf("%s holding %s: %d ETag %q, want 304 with %q", tc.enc, tc.held, res.StatusCode, res.Header.Get("ETag"), want)
		}
	}
	if res, _ := get(t, url, "Accept-Encoding", "gzip", "If-None-Match", `"other"`); res.StatusCode != 200 || res.Header.Get("ETag") != gzTag {
		t.Errorf("stale ETag: %d %q, want 200 with %q", res.StatusCode, res.Header.Get("ETag"), gzTag)
	}
}

// TestRedirectsCarryTheHeaders: the redirects the router's mux answers by
// itself to clean a path carry the app's security headers like every other
// app answer, and never lead off the site.
func TestRedirectsCarryTheHeaders(t *testing.T) {
	t.Parallel()
	app := apptest.NewApp(t)
	defer app.Cleanup()
	srv := apptest.Serve(t, app)
	base, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/assets/x/../../main.go", "//evil.com/", "//evil.com", "/./x", "/api/../x", "/_/../x", "/./%5Cevil.com", "/r/../registro"} {
		res, _ := get(t, srv.URL+p)
		if res.StatusCode < 300 || res.StatusCode > 399 {
			t.Errorf("GET %s: %d, want a redirect", p, res.StatusCode)
			continue
		}
		for h, want := range map[string]string{
			"Content-Security-Policy": webapp.ContentSecurityPolicy,
			"X-Content-Type-Options":  "nosniff",
			"Referrer-Policy":         "same-origin",
		} {
			if got := res.Header.Get(h); got != want {
				t.Errorf("GET %s (%d): %s = %q, want %q", p, res.StatusCode, h, got, want)
			}
		}
		loc := res.Header.Get("Location")
		to, err := base.Parse(loc)
		if err != nil || to.Host != base.Host || !strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, "//") || strings.HasPrefix(loc, `/\`) {
			t.Errorf("GET %s redirects to %q, off the site", p, loc)
		}
	}
}
