package metrics_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/padron/padron/apptest"
	"github.com/padron/padron/config"
	"github.com/padron/padron/metrics"
)

func appWith(allow string) func(testing.TB) *tests.TestApp {
	return func(t testing.TB) *tests.TestApp {
		cfg := config.Default()
		cfg.Worker = false
		cfg.MetricsAllow = allow
		return apptest.NewAppWith(t, cfg)
	}
}

// TestAccess: superusers always; anyone else only from an allowed address
// and never through a proxy. httptest's requests come from 192.0.2.1.
func TestAccess(t *testing.T) {
	t.Parallel()
	c := apptest.Seeded(t)
	scenarios := []tests.ApiScenario{
		{Name: "anonymous, loopback only", URL: metrics.Path, TestAppFactory: appWith(metrics.AllowDefault),
			ExpectedStatus: 401, ExpectedContent: []string{`"code":"metrics_auth_required"`}, NotExpectedContent: []string{"padron_"}},
		{Name: "anonymous, allowed address", URL: metrics.Path, TestAppFactory: appWith("10.0.0.0/8, 192.0.2.1"),
			ExpectedStatus: 200, ExpectedContent: []string{"padron_census_checks{status=\"pending\"}", "padron_registrations_total"}},
		{Name: "anonymous, allowed network", URL: metrics.Path, TestAppFactory: appWith("192.0.2.0/24"),
			ExpectedStatus: 200, ExpectedContent: []string{"padron_users{role=\"leader\"} 2"}},
		{Name: "forwarded by a proxy from an allowed address", URL: metrics.Path, TestAppFactory: appWith("192.0.2.0/24"),
			Headers: map[string]string{"X-Forwarded-For": "203.0.113.9"}, ExpectedStatus: 401, ExpectedContent: []string{`"code":"metrics_auth_required"`}},
		{Name: "Forwarded header", URL: metrics.Path, TestAppFactory: appWith("192.0.2.0/24"),
			Headers: map[string]string{"Forwarded": "for=203.0.113.9"}, ExpectedStatus: 401, ExpectedContent: []string{`metrics_auth_required`}},
		{Name: "a leader", URL: metrics.Path, TestAppFactory: appWith(metrics.AllowDefault),
			Headers: map[string]string{"Authorization": c.LeaderA.Token}, ExpectedStatus: 403, ExpectedContent: []string{`"code":"metrics_not_allowed"`}},
		{Name: "superuser, no address allowed", URL: metrics.Path, TestAppFactory: appWith(metrics.AllowNone),
			Headers: map[string]string{"Authorization": c.Superuser.Token}, ExpectedStatus: 200, ExpectedContent: []string{"padron_census_checks"}},
		{Name: "superuser through a proxy", URL: metrics.Path, TestAppFactory: appWith(metrics.AllowNone),
			Headers: map[string]string{"Authorization": c.Superuser.Token, "X-Forwarded-For": "203.0.113.9"}, ExpectedStatus: 200, ExpectedContent: []string{"padron_"}},
		{Name: "anonymous, none", URL: metrics.Path, TestAppFactory: appWith(metrics.AllowNone), ExpectedStatus: 401, ExpectedContent: []string{"metrics_auth_required"}},
	}
	for _, s := range scenarios {
		s.Method = http.MethodGet
		s.Test(t)
	}
}

func TestParseAllow(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"", metrics.AllowDefault, metrics.AllowNone, "10.0.0.5", "10.0.0.0/8,192.168.1.0/24", "2001:db8::/32, ::1"} {
		if _, err := metrics.ParseAllow(ok); err != nil {
			t.Errorf("ParseAllow(%q): %v", ok, err)
		}
	}
	for _, bad := range []string{"localhost", "10.0.0.0/33", "10.0.0.1,", "fe80::1%eth0", "all", "none,10.0.0.1"} {
		if _, err := metrics.ParseAllow(bad); err == nil {
			t.Errorf("ParseAllow(%q) accepted it", bad)
		}
	}
}

// TestFamily checks paths map onto the fixed families, ids and codes never
// making a family of their own.
func TestFamily(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"/api/collections/users/auth-with-password":     "auth",
		"/api/collections/_pb_users_auth_/auth-refresh": "auth",
		"/api/collections/users/request-password-reset": "auth",
		"/api/collections/users/records":                "records",
		"/api/collections/cedula_info/records/abc123":   "records",
		"/api/collections/users":                        "admin_api",
		"/api/realtime":                                 "realtime",
		"/api/census/refresh/k6iwmbupvy9n5ib":           "census",
		"/api/census/worker":                            "census",
		"/api/referidos/export.csv":                     "referidos",
		"/api/referrals/AbC123xy":                       "referrals",
		"/api/cedula-claims/xyz/transfer":               "claims",
		"/api/health":                                   "health",
		"/api/settings":                                 "admin_api",
		"/api/backups":                                  "admin_api",
		"/_/":                                           "dashboard",
		"/_":                                            "dashboard",
		"/assets/0123abcd/app.js":                       "assets",
		"/metrics":                                      "metrics",
		"/r/AbC123xy":                                   "app",
		"/registro":                                     "app",
		"/":                                             "app",
	}
	for p, want := range cases {
		if got := metrics.Family(p); got != want {
			t.Errorf("Family(%q) = %q, want %q", p, got, want)
		}
	}
	for _, got := range cases {
		found := false
		for _, f := range metrics.Families {
			found = found || f == got
		}
		if !found {
			t.Errorf("family %q is not in metrics.Families", got)
		}
	}
}

// scrape reads /metrics over HTTP (from loopback: allowed by default) and
// parses it with Prometheus' own text parser.
func scrape(t *testing.T, base string) (map[string]*dto.MetricFamily, string) {
	t.Helper()
	res, err := http.Get(base + metrics.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		t.Fatalf("GET /metrics: %d %s", res.StatusCode, raw)
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("Content-Type %q, want Prometheus' text format", ct)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(string(raw)))
	if err != nil {
		t.Fatalf("the text parser refused /metrics: %v\n%s", err, raw)
	}
	return fams, string(raw)
}

// value is the metric name{labels}'s value (a counter, gauge or a
// histogram's count); -1 if absent.
func value(fams map[string]*dto.MetricFamily, name string, labels map[string]string) float64 {
	f := fams[name]
	if f == nil {
		return -1
	}
next:
	for _, m := range f.Metric {
		for k, v := range labels {
			found := false
			for _, lp := range m.Label {
				found = found || (lp.GetName() == k && lp.GetValue() == v)
			}
			if !found {
				continue next
			}
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue()
		case m.Gauge != nil:
			return m.Gauge.GetValue()
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount())
		}
	}
	return -1
}

// TestScrapeCountsRealWork serves the whole server on loopback, does real
// work through HTTP (registrations, logins, a realtime connection, a
// census attempt saved as the worker saves it), and reads the counters
// move in a parsed scrape that names no cédula, phone or name.
func TestScrapeCountsRealWork(t *testing.T) {
	t.Parallel()
	app := appWith(metrics.AllowDefault)(t)
	t.Cleanup(app.Cleanup)
	srv := apptest.Serve(t, app)
	c := apptest.Seeded(t)

	before, _ := scrape(t, srv.URL)
	if v := value(before, "padron_registrations_total", nil); v != 0 {
		t.Fatalf("registrations before any: %v", v)
	}
	people := []struct{ name, cedula, phone string }{
		{"Marisol Quintero", "1093847561", "3157770101"},
		{"Jhon Fredy Arango", "1122334455", "3209990202"},
		{"Yeimy Patiño", "52987612", "3014440303"},
	}
	for _, p := range people {
		body := fmt.Sprintf(`{"name":%q,"cedula":%q,"phone":%q,"password":%q,"passwordConfirm":%q,"data_policy_accepted":true,"ref":%q}`,
			p.name, p.cedula, p.phone, apptest.Password, apptest.Password, c.LeaderA.ReferralCode)
		res, err := http.Post(srv.URL+"/api/collections/users/records", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 200 {
			t.Fatalf("register %s: %d", p.name, res.StatusCode)
		}
	}
	login := func(password string) int {
		body := fmt.Sprintf(`{"identity":%q,"password":%q}`, people[0].cedula, password)
		res, err := http.Post(srv.URL+"/api/collections/users/auth-with-password", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if login(apptest.Password) != 200 || login("no-es-la-clave") != 400 {
		t.Fatal("logins did not answer 200 and 400")
	}
	// A census attempt saved as the worker saves it (the cédula and raw
	// answer are on the row; neither may reach the metrics).
	col, err := app.FindCollectionByNameOrId("census_attempts")
	if err != nil {
		t.Fatal(err)
	}
	a := core.NewRecord(col)
	a.Set("user", c.MemberA.ID)
	a.Set("cedula", c.MemberA.Cedula)
	a.Set("attempt", 1)
	a.Set("source", "wsp")
	a.Set("outcome", "found")
	a.Set("success", true)
	a.Set("duration_ms", 1500)
	a.Set("started_at", time.Now().UTC())
	a.Set("raw_response", `{"cedula":"`+c.MemberA.Cedula+`","nombre":"`+c.MemberA.Name+`"}`)
	if err := app.Save(a); err != nil {
		t.Fatal(err)
	}
	// A member's realtime connection with one subscription.
	subscribeOne(t, srv.URL, c.MemberA.Token, "users/"+c.MemberA.ID)

	after, raw := scrape(t, srv.URL)
	checks := []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"padron_registrations_total", nil, 3},
		{"padron_logins_total", map[string]string{"outcome": "success"}, 1},
		{"padron_logins_total", map[string]string{"outcome": "failure"}, 1},
		{"padron_lookup_duration_seconds", map[string]string{"outcome": "found"}, 1},
		{"padron_users", map[string]string{"role": "member"}, 6},
		{"padron_census_checks", map[string]string{"status": "pending"}, 8},
		{"padron_census_queue_waiting", map[string]string{"kind": "first"}, 8},
		{"padron_http_request_duration_seconds", map[string]string{"family": "records", "code": "2xx"}, 3},
		{"padron_http_request_duration_seconds", map[string]string{"family": "auth", "code": "4xx"}, 1},
		{"padron_http_request_duration_seconds", map[string]string{"family": "realtime", "code": "2xx"}, 1}, // the subscription; the stream is left out
		{"padron_realtime_clients", map[string]string{"auth": "user"}, 1},
		{"padron_realtime_subscriptions", nil, 1},
		{"padron_census_scrape_error", nil, 0},
	}
	for _, ck := range checks {
		if got := value(after, ck.name, ck.labels); got != ck.want {
			t.Errorf("%s%v = %v, want %v", ck.name, ck.labels, got, ck.want)
		}
	}
	if v := value(after, "padron_data_dir_filesystem_size_bytes", nil); v <= 0 {
		t.Errorf("data dir filesystem size %v, want > 0", v)
	}
	if v := value(after, "padron_worker_busy", nil); v != -1 {
		t.Errorf("a server without a worker reports worker_busy %v", v)
	}

	// No personal data anywhere: every cédula, phone and name of the test
	// data (seeded and registered), as written and as digits.
	var secrets []string
	for _, p := range people {
		secrets = append(secrets, p.cedula, p.phone, p.name)
	}
	for _, p := range []apptest.Person{c.LeaderA, c.LeaderB, c.MemberA, c.MemberB, c.Loner} {
		secrets = append(secrets, p.Cedula, p.Name, p.ID)
	}
	secrets = append(secrets, "3001234567") // the seeded phone
	for _, s := range secrets {
		for _, line := range strings.Split(raw, "\n") {
			if containsWhole(line, s) {
				t.Errorf("/metrics contains %q: %s", s, line)
			}
		}
	}
}

// containsWhole reports whether s is in line other than as a part of a
// longer number: the cédula 20000001 is personal data, the digits of a
// sample like 0.120000001 are not.
func containsWhole(line, s string) bool {
	number := func(b byte) bool { return b >= '0' && b <= '9' || b == '.' || b == 'e' || b == '-' || b == '+' }
	for i := 0; ; {
		j := strings.Index(line[i:], s)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(s)
		if (start == 0 || !number(line[start-1])) && (end == len(line) || !number(line[end])) {
			return true
		}
		i = start + 1
	}
}

// TestContainsWhole: the personal-data check finds a cédula as a label or a
// whole value, not as digits inside a longer sample.
func TestContainsWhole(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		line string
		want bool
	}{
		{`padron_x{cedula="20000001"} 1`, true},
		{`padron_x 20000001`, true},
		{`padron_x_sum 0.120000001`, false},
		{`padron_x_sum 3.20000001e-05`, false},
		{`padron_x 120000001`, false},
		{`padron_x 0.5 # 120000001 and 20000001`, true},
	} {
		if got := containsWhole(c.line, "20000001"); got != c.want {
			t.Errorf("containsWhole(%q) = %v, want %v", c.line, got, c.want)
		}
	}
}

// subscribeOne opens a realtime stream subscribed to topic as token's
// holder; next returns the data of each event in turn.
func subscribeOne(t *testing.T, base, token, topic string) (next func() string) {
	t.Helper()
	_, next = apptest.Subscribe(t, base, token, topic)
	return next
}
