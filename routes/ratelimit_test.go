package routes_test

import (
	"net/http"
	"testing"

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
	defer app.Cleanup()
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
	defer app.Cleanup()
	rl := app.Settings().RateLimits
	cases := []struct {
		labels []string
		want   string
	}{
		{[]string{"users:authWithPassword", "users:auth", "*:authWithPassword", "*:auth",
			"POST /api/collections/users/auth-with-password", "/api/collections/users/auth-with-password"},
			"POST /api/collections/users/auth-with-password"},
		{[]string{"_superusers:authWithPassword", "_superusers:auth", "*:authWithPassword", "*:auth",
			"POST /api/collections/_superusers/auth-with-password", "/api/collections/_superusers/auth-with-password"},
			"_superusers:auth"},
		{[]string{"users:create", "*:create", "POST /api/collections/users/records", "/api/collections/users/records"},
			"POST /api/collections/users/records"},
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
