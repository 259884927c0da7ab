package routes_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"github.com/padron/padron/apptest"
	"github.com/padron/padron/migrations"
)

// The migration turns PocketBase's limiter on; over a real server, one IP
// runs into it on the referral lookup and on the census endpoints, while
// superusers are never limited.
func TestRateLimits(t *testing.T) {
	t.Parallel()
	c := apptest.Seeded(t)
	app := setup(t, nil)
	t.Cleanup(app.Cleanup)
	if !app.Settings().RateLimits.Enabled {
		t.Fatal("rate limiter not enabled by the migration")
	}
	srv := apptest.Serve(t, app)

	hit := func(method, path, token string) int {
		req, _ := http.NewRequest(method, srv.URL+path, nil)
		if token != "" {
			req.Header.Set("Authorization", token)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	limitOf := func(label string) int {
		for _, r := range migrations.RateLimitRules {
			if r.Label == label {
				return r.MaxRequests
			}
		}
		t.Fatalf("no rule %q", label)
		return 0
	}

	n := limitOf("/api/referrals/")
	for i := range n {
		if got := hit(http.MethodGet, "/api/referrals/NOEXISTE", ""); got != http.StatusNotFound {
			t.Fatalf("lookup %d answered %d before the limit", i+1, got)
		}
	}
	if got := hit(http.MethodGet, "/api/referrals/NOEXISTE", ""); got != http.StatusTooManyRequests {
		t.Fatalf("lookup %d answered %d, want 429", n+1, got)
	}

	// Bulk refresh has its own, tighter limit; members are refused (403)
	// until the limiter steps in.
	n = limitOf("POST /api/census/bulk-refresh")
	for range n {
		if got := hit(http.MethodPost, "/api/census/bulk-refresh", c.MemberA.Token); got != http.StatusForbidden {
			t.Fatalf("bulk refresh answered %d before the limit", got)
		}
	}
	if got := hit(http.MethodPost, "/api/census/bulk-refresh", c.MemberA.Token); got != http.StatusTooManyRequests {
		t.Fatalf("bulk refresh over the limit answered %d, want 429", got)
	}
	// The single refresh counts separately under /api/census/.
	if got := hit(http.MethodPost, "/api/census/refresh", c.MemberA.Token); got != http.StatusConflict {
		t.Fatalf("single refresh answered %d, want 409 (seeded record pending)", got)
	}
	// Superusers skip the limiter.
	for range n + 1 {
		if got := hit(http.MethodGet, "/api/referidos/stats", c.Superuser.Token); got != http.StatusOK {
			t.Fatalf("superuser stats answered %d", got)
		}
	}
}

// Each endpoint family lands on its own rule, given the labels PocketBase
// builds for it (collection routes put "collection:action" labels first).
func TestRateLimitRuleMatching(t *testing.T) {
	t.Parallel()
	app := setup(t, nil)
	t.Cleanup(app.Cleanup)
	rl := app.Settings().RateLimits
	cases := []struct {
		labels []string
		want   string
	}{
		{[]string{"users:authWithPassword", "users:auth", "*:authWithPassword", "*:auth",
			"POST /api/collections/users/auth-with-password", "/api/collections/users/auth-with-password"},
			"users:auth"},
		// The collection's id in the path: the tag still decides.
		{[]string{"users:authWithPassword", "users:auth", "*:authWithPassword", "*:auth",
			"POST /api/collections/_pb_users_auth_/auth-with-password", "/api/collections/_pb_users_auth_/auth-with-password"},
			"users:auth"},
		{[]string{"users:authWithOTP", "users:auth", "*:authWithOTP", "*:auth",
			"POST /api/collections/users/auth-with-otp", "/api/collections/users/auth-with-otp"},
			"users:auth"},
		{[]string{"_superusers:authWithPassword", "_superusers:auth", "*:authWithPassword", "*:auth",
			"POST /api/collections/_superusers/auth-with-password", "/api/collections/_superusers/auth-with-password"},
			"_superusers:auth"},
		{[]string{"users:create", "*:create", "POST /api/collections/users/records", "/api/collections/users/records"},
			"users:create"},
		{[]string{"users:create", "*:create", "POST /api/collections/USERS/records", "/api/collections/USERS/records"},
			"users:create"},
		{[]string{"GET /api/referrals/AbC123xy", "/api/referrals/AbC123xy"}, "/api/referrals/"},
		{[]string{"POST /api/census/refresh", "/api/census/refresh"}, "/api/census/"},
		{[]string{"POST /api/census/refresh/abc", "/api/census/refresh/abc"}, "/api/census/"},
		{[]string{"POST /api/census/bulk-refresh", "/api/census/bulk-refresh"}, "POST /api/census/bulk-refresh"},
		{[]string{"GET /api/referidos/export.csv", "/api/referidos/export.csv"}, "/api/referidos/"},
		{[]string{"GET /api/collections/users/records", "/api/collections/users/records"}, "/api/"},
	}
	for _, tc := range cases {
		rule, ok := rl.FindRateLimitRule(tc.labels)
		if !ok || rule.Label != tc.want {
			t.Errorf("%s matched %q (found %v), want %q", tc.labels[len(tc.labels)-1], rule.Label, ok, tc.want)
		}
	}
}

// No spelling of the login or registration route gets past its limit, and a
// first request on one spelling does not choose the rule for the others:
// PocketBase keeps one limiter per collection and route, created with the
// rule of the first request it sees, so a rule that matched only the
// collection's name was replaced by the general "/api/" rule for everyone
// after one request on the collection's id.
func TestRateLimitSpellings(t *testing.T) {
	t.Parallel()
	probe := setup(t, nil)
	users, err := probe.FindCollectionByNameOrId("users")
	probe.Cleanup()
	if err != nil {
		t.Fatal(err)
	}
	// Every spelling PocketBase routes to the users collection: its name in
	// any case, its id, and percent-encoded. (A trailing slash is a 404 and
	// "//" or "/./" a 307 to the clean path; neither reaches a handler.)
	spellings := []string{"users", users.Id, "USERS", "Users", "%75sers"}
	routes := []struct {
		name, rule, action, body string
	}{
		// A wrong login and an empty registration are refused by the
		// handler (400) but count against the limit all the same. Each
		// login names another account (N is the request's number), so the
		// per-account lock never answers first.
		{"login", "users:auth", "auth-with-password", `{"identity":"99N","password":"equivocada"}`},
		{"registration", "users:create", "records", `{}`},
	}
	for _, r := range routes {
		for _, primer := range spellings {
			t.Run(r.name+" primed by "+primer, func(t *testing.T) {
				t.Parallel()
				app := setup(t, nil)
				t.Cleanup(app.Cleanup)
				srv := apptest.Serve(t, app)
				limit := ruleOf(t, app.Settings().RateLimits.Rules, r.rule).MaxRequests
				sent := 0
				post := func(spelling string) int {
					sent++
					body := strings.ReplaceAll(r.body, "N", strconv.Itoa(sent))
					res, err := http.Post(srv.URL+"/api/collections/"+spelling+"/"+r.action,
						"application/json", strings.NewReader(body))
					if err != nil {
						t.Fatal(err)
					}
					res.Body.Close()
					return res.StatusCode
				}
				// The primer first, then the rest of the allowance spread
				// over every spelling.
				for i := range limit {
					spelling := primer
					if i > 0 {
						spelling = spellings[i%len(spellings)]
					}
					if got := post(spelling); got != http.StatusBadRequest {
						t.Fatalf("request %d on %s answered %d before the limit, want 400", i+1, spelling, got)
					}
				}
				for _, s := range spellings {
					if got := post(s); got != http.StatusTooManyRequests {
						t.Errorf("over the limit, %s answered %d, want 429", s, got)
					}
				}
			})
		}
	}
}

func ruleOf(t testing.TB, rules []core.RateLimitRule, label string) core.RateLimitRule {
	t.Helper()
	for _, r := range rules {
		if r.Label == label {
			return r
		}
	}
	t.Fatalf("no rate limit rule %q", label)
	return core.RateLimitRule{}
}
