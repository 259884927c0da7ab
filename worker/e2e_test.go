package worker_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/padron/padron/apptest"
	"github.com/padron/padron/captcha"
	"github.com/padron/padron/chromiumtest"
	"github.com/padron/padron/fakecaptcha"
	"github.com/padron/padron/fakeregistrar"
	"github.com/padron/padron/hooks"
	"github.com/padron/padron/routes"
	"github.com/padron/padron/scraper"
	"github.com/padron/padron/worker"
)

// pageLoads records when the fake registrar's form was loaded: one load per
// lookup, right after the pacing gate let it through.
type pageLoads struct {
	mu sync.Mutex
	at []time.Time
}

func (p *pageLoads) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && r.URL.Path == fakeregistrar.WSPPath {
			p.mu.Lock()
			p.at = append(p.at, time.Now())
			p.mu.Unlock()
		}
		h.ServeHTTP(w, r)
	})
}

func (p *pageLoads) gaps() []time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	at := slices.Clone(p.at)
	slices.SortFunc(at, func(a, b time.Time) int { return a.Compare(b) })
	var g []time.Duration
	for i := 1; i < len(at); i++ {
		g = append(g, at[i].Sub(at[i-1]))
	}
	return g
}

// e2e is the whole pipeline on loopback: registrations over HTTP, the hooks,
// the worker, the pacer, the real engine with Chromium, the fake registrar
// and the fake captcha service.
type e2e struct {
	app   *apptest.Cast
	reg   *fakeregistrar.Server
	loads *pageLoads
	srv   *httptest.Server
	w     *worker.Worker
}

func setupE2E(t *testing.T, wcfg worker.Config, pacing time.Duration) (*e2e, *env) {
	t.Helper()
	chromium := chromiumtest.Path(t)

	cs := httptest.NewServer(fakecaptcha.New(fakecaptcha.Config{}))
	t.Cleanup(cs.Close)
	reg := fakeregistrar.New(fakeregistrar.Config{
		VerifyToken: func(_ context.Context, _, token string) bool {
			return strings.HasPrefix(token, fakecaptcha.TokenPrefix)
		},
	})
	t.Cleanup(reg.Close)
	loads := &pageLoads{}
	site := httptest.NewServer(loads.wrap(reg))
	t.Cleanup(site.Close)

	solver, err := captcha.New(captcha.Config{BaseURL: cs.URL, Key: fakecaptcha.KeyGood,
		FirstPoll: time.Millisecond, PollInterval: 10 * time.Millisecond, Deadline: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	engine, err := scraper.New(scraper.Config{
		WSPURL: site.URL + fakeregistrar.WSPPath, Solver: solver, ChromiumPath: chromium,
		Gate: worker.NewPacer(pacing, 0, nil), PoolSize: 2, LookupTimeout: 5 * time.Second, // < the slow fixture's 8 s
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = engine.Close() })

	app := apptest.NewBareApp(t)
	t.Cleanup(app.Cleanup)
	wcfg.Logger = testLogger()
	w, err := worker.New(app, engine, wcfg)
	if err != nil {
		t.Fatal(err)
	}
	hooks.Register(app, w)
	routes.Register(app, routes.Deps{Worker: w})
	// Seeded users are pending too; give them fixture cédulas' neighbours so
	// they are simply found.
	c := apptest.Seeded(t)
	srv := apptest.Serve(t, app)
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = w.Stop(context.Background()) })
	return &e2e{app: &c, reg: reg, loads: loads, srv: srv, w: w}, &env{app: app, w: w, cast: c}
}

func (x *e2e) register(t *testing.T, cedula string) string {
	t.Helper()
	body := fmt.Sprintf(`{"name":"Votante de Prueba","cedula":%q,"phone":"3001234567","password":"clave-segura-123","passwordConfirm":"clave-segura-123","data_policy_accepted":true}`, cedula)
	res, err := http.Post(x.srv.URL+"/api/collections/users/records", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("register %s: HTTP %d", cedula, res.StatusCode)
	}
	var out struct{ ID string }
	if err := decode(res, &out); err != nil {
		t.Fatal(err)
	}
	return out.ID
}

func TestEndToEndRegistrationsReachTheirAnswers(t *testing.T) {
	t.Parallel()
	const pacing = 300 * time.Millisecond
	x, e := setupE2E(t, worker.Config{
		Concurrency: 2, MaxAttempts: 3, RetryDelays: []time.Duration{200 * time.Millisecond},
		RetryJitter: -1, Tick: 100 * time.Millisecond, BreakerThreshold: 100,
	}, pacing)

	// 20 registrations: every scripted case of the fake, plus plain ones.
	want := map[string]string{
		"1020304050": "active", "1036601234": "active", "1144055678": "active", "72150987": "active",
		"1099999999": "not_found", "123456": "not_found",
		"19283746": "cancelled_deceased", "8765432": "cancelled_deceased",
		"52000111": "cancelled_other", "79111222": "cancelled_other", "1033444555": "cancelled_other",
		"1000000001": "blocked", // blocked three times
		"1000000003": "timeout", // slower than the lookup timeout, three times
		"1000000004": "error",   // page we cannot parse: no retry
		"1000000005": "error",   // transient three times
		"1000000008": "active",  // flaky: two transient failures, then found
		"3141592653": "active", "2718281828": "active", "1618033988": "active", "1414213562": "active",
	}
	if len(want) != 20 {
		t.Fatalf("scenario has %d registrations, want 20", len(want))
	}
	ids := map[string]string{}
	for ced := range want {
		ids[ced] = x.register(t, ced)
	}
	deadline := time.Now().Add(90 * time.Second)
	for ced, status := range want {
		waitForUntil(t, deadline, ced+" → "+status, func() bool {
			return e.info(t, ids[ced]).GetString("status") == status
		})
	}
	e.waitIdle(t)

	// Attempts: one for every answer, three for retried failures, one for
	// "broken" (site changed does not retry), three for flaky.
	wantAttempts := func(ced string) int {
		switch ced {
		case "1000000001", "1000000003", "1000000005", "1000000008":
			return 3
		}
		return 1
	}
	for ced, id := range ids {
		r := e.info(t, id)
		if got := r.GetInt("attempts"); got != wantAttempts(ced) {
			t.Errorf("%s: attempts %d, want %d", ced, got, wantAttempts(ced))
		}
	}
	a := e.info(t, ids["1036601234"])
	if a.GetString("municipio") != "MEDELLIN" || a.GetString("mesa") != "23" || !strings.Contains(a.GetString("raw_response"), "consulta") {
		t.Errorf("found answer not stored: %v", a.FieldsData())
	}
	if d := e.info(t, ids["19283746"]); !strings.Contains(d.GetString("novedad"), "Muerte") {
		t.Errorf("novedad not stored: %q", d.GetString("novedad"))
	}

	// Evidence of the broken page was kept.
	broken := e.attempts(t, ids["1000000004"])
	if len(broken) != 1 || broken[0].GetString("outcome") != "site_changed" || broken[0].GetString("evidence_html") == "" {
		t.Errorf("site_changed attempt without evidence")
	}

	// Pacing, measured on the registrar's side.
	gaps := x.loads.gaps()
	shortest := slices.Min(gaps)
	var sum time.Duration
	for _, g := range gaps {
		sum += g
	}
	t.Logf("page loads: %d, gap min %v, mean %v (pacing %v); sorted gaps %v", len(gaps)+1, shortest, sum/time.Duration(len(gaps)), pacing, sortedDurations(gaps))
	// The gate releases lookups exactly pacing apart (TestPacerSpacing);
	// measured at the site, Chromium adds its own request latency (up to
	// 100+ ms on a loaded 2-core machine), so single gaps may shrink by that
	// much while the typical gap stays at the pacing. Lookups that bypass
	// the gate arrive together (well under a millisecond apart).
	sorted := sortedDurations(gaps)
	if median := sorted[len(sorted)/2]; median < pacing*9/10 {
		t.Errorf("median gap %v below pacing %v", median, pacing)
	}
	if shortest < pacing/3 {
		t.Errorf("pacing violated: two lookups %v apart, want ≥ %v minus browser latency", shortest, pacing)
	}
}

func TestEndToEndBreakerOpensAndCloses(t *testing.T) {
	t.Parallel()
	x, e := setupE2E(t, worker.Config{
		Concurrency: 1, MaxAttempts: 10, RetryDelays: []time.Duration{50 * time.Millisecond},
		RetryJitter: -1, Tick: 50 * time.Millisecond,
		BreakerThreshold: 2, BreakerCooloff: 700 * time.Millisecond, BreakerMaxCooloff: 2 * time.Second,
	}, 0)
	for _, ced := range []string{"90000001", "90000002", "90000003"} {
		x.reg.SetFixture(fakeregistrar.Fixture{Cedula: ced, Case: fakeregistrar.CaseBlocked})
	}
	var ids []string
	for _, ced := range []string{"90000001", "90000002", "90000003"} {
		ids = append(ids, x.register(t, ced))
	}
	waitFor(t, "breaker open", func() bool { return x.w.Status().Breaker.State == worker.BreakerOpen })
	blocksAtOpen := len(x.reg.Lookups())

	// The firewall lets us through again; after the cool-off one probe
	// answers and the breaker closes.
	for _, ced := range []string{"90000001", "90000002", "90000003"} {
		x.reg.SetFixture(fakeregistrar.Fixture{Cedula: ced, Case: fakeregistrar.CaseFound,
			Departamento: "CAUCA", Municipio: "POPAYAN", Puesto: "COLEGIO", Direccion: "CL 1", Mesa: "1"})
	}
	for _, id := range ids {
		e.waitStatus(t, id, "active")
	}
	if st := x.w.Status().Breaker; st.State != worker.BreakerClosed {
		t.Fatalf("breaker %+v after answers", st)
	}
	t.Logf("lookups that reached the site: %d when the breaker opened, %d in all", blocksAtOpen, len(x.reg.Lookups()))
}

// waitForUntil is waitFor with a shared deadline.
func waitForUntil(t testing.TB, deadline time.Time, what string, cond func() bool) {
	t.Helper()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func sortedDurations(d []time.Duration) []time.Duration {
	out := slices.Clone(d)
	slices.Sort(out)
	for i := range out {
		out[i] = out[i].Round(time.Millisecond)
	}
	return out
}
