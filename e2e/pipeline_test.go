package e2e_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/padron/padron/census"
	"github.com/padron/padron/fakeregistrar"
	"github.com/padron/padron/worker"
)

// TestEndToEndRegistrationsReachTheirAnswers registers 20 people over HTTP
// on the server as the binary builds it (hooks, worker, pacing gate, real
// engine with Chromium) against the fakes, and waits for every scripted
// answer. Moved from package worker: it exercises the whole system.
func TestEndToEndRegistrationsReachTheirAnswers(t *testing.T) {
	t.Parallel()
	const pacing = 300 * time.Millisecond
	reg := startFakes(t)
	cfg := fakeConfig(t, reg)
	cfg.Concurrency, cfg.BrowserPool = 2, 2
	cfg.MaxAttempts = 3
	cfg.RetryDelays = []time.Duration{200 * time.Millisecond}
	cfg.BreakerThreshold = 100
	cfg.Pacing.Gap, cfg.Pacing.Jitter = pacing, 0
	cfg.LookupTimeout = 5 * time.Second // < the slow fixture's 8 s
	x := newStack(t, cfg)

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
		ids[ced] = register(t, x.base, ced, "")
	}
	// Alone this takes about 34 s (load 3); a full parallel run on 2 cores (webtest's
	// and the bench's Chromium beside it) was seen past 120 s.
	deadline := time.Now().Add(240 * time.Second)
	for ced, status := range want {
		waitUntil(t, deadline, ced+" → "+status, func() bool {
			return x.info(t, ids[ced]).GetString("status") == status
		})
	}
	waitUntil(t, deadline, "idle worker", func() bool { return x.srv.Worker.Status().Busy == 0 })

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
		if got := x.info(t, id).GetInt("attempts"); got != wantAttempts(ced) {
			t.Errorf("%s: attempts %d, want %d", ced, got, wantAttempts(ced))
		}
	}
	a := x.info(t, ids["1036601234"])
	if a.GetString("municipio") != "MEDELLIN" || a.GetString("mesa") != "23" || !strings.Contains(a.GetString("raw_response"), "consulta") {
		t.Errorf("found answer not stored: %v", a.FieldsData())
	}
	if d := x.info(t, ids["19283746"]); !strings.Contains(d.GetString("novedad"), "Muerte") {
		t.Errorf("novedad not stored: %q", d.GetString("novedad"))
	}

	// Evidence of the broken page was kept.
	broken := x.attempts(t, ids["1000000004"])
	if len(broken) != 1 || broken[0].GetString("outcome") != "site_changed" || broken[0].GetString("evidence_html") == "" {
		t.Errorf("site_changed attempt without evidence")
	}

	// Pacing where the registrar sees it: the fake's own arrival times.
	// Between two page loads, and between two form posts, there is at least
	// the pacing gap, minus 5 %, however loaded the machine is.
	gaps := laneGaps(reg, http.MethodGet)
	if len(gaps) < len(want) {
		t.Fatalf("only %d page-load gaps recorded", len(gaps))
	}
	posts := laneGaps(reg, http.MethodPost)
	if len(posts) < len(want)-1 {
		t.Fatalf("only %d form-post gaps recorded", len(posts))
	}
	t.Logf("lookups at the registrar: %d; page-load gaps %v, form-post gaps %v (pacing %v)", len(gaps)+1, rounded(gaps), rounded(posts), pacing)
	for lane, g := range map[string][]time.Duration{"page loads": gaps, "form posts": posts} {
		if shortest := slices.Min(g); shortest < pacing*95/100 {
			t.Errorf("pacing violated at the registrar: two %s %v apart, want ≥ %v", lane, shortest, pacing*95/100)
		}
	}

	// What the operator sees: every lookup went through the gate with a
	// token of the pipeline, and none was submitted past its lifetime.
	st := x.srv.Worker.Status()
	if st.Pacing == nil || st.Pacing.Lookups != len(gaps)+1 || st.Pacing.LimitUsedPercent <= 0 {
		t.Errorf("pacing status %+v, want %d lookups and a share of the limit used", st.Pacing, len(gaps)+1)
	}
	answers := 0 // each came with a submitted token
	for _, status := range want {
		if census.IsAnswer(status) {
			answers++
		}
	}
	if st.Tokens == nil || st.Tokens.Used < uint64(answers) || st.Tokens.Expired != 0 {
		t.Errorf("token status %+v, want ≥ %d used and none expired", st.Tokens, answers)
	}
	t.Logf("status: pacing %+v; tokens %+v", *st.Pacing, *st.Tokens)
}

// TestEndToEndBreakerOpensAndCloses blocks every lookup until the breaker
// opens, then lets the registrar answer: after the cool-off a probe goes
// through and the breaker closes.
func TestEndToEndBreakerOpensAndCloses(t *testing.T) {
	t.Parallel()
	reg := startFakes(t)
	cfg := fakeConfig(t, reg)
	cfg.Concurrency = 1
	cfg.MaxAttempts = 10
	cfg.RetryDelays = []time.Duration{50 * time.Millisecond}
	cfg.BreakerThreshold = 2
	cfg.BreakerCooloff, cfg.BreakerMaxCooloff = time.Second, 2*time.Second
	cfg.Pacing.Gap, cfg.Pacing.Jitter = 0, 0
	ceds := []string{"90000001", "90000002", "90000003"}
	for _, ced := range ceds {
		reg.SetFixture(fakeregistrar.Fixture{Cedula: ced, Case: fakeregistrar.CaseBlocked})
	}
	x := newStack(t, cfg)
	var ids []string
	for _, ced := range ceds {
		ids = append(ids, register(t, x.base, ced, ""))
	}
	waitFor(t, 30*time.Second, "breaker open", func() bool { return x.srv.Worker.Status().Breaker.State == worker.BreakerOpen })
	blocksAtOpen := len(reg.Lookups())

	for _, ced := range ceds {
		reg.SetFixture(fakeregistrar.Fixture{Cedula: ced, Case: fakeregistrar.CaseFound,
			Departamento: "CAUCA", Municipio: "POPAYAN", Puesto: "COLEGIO", Direccion: "CL 1", Mesa: "1"})
	}
	for _, id := range ids {
		x.waitStatus(t, id, "active")
	}
	if st := x.srv.Worker.Status().Breaker; st.State != worker.BreakerClosed {
		t.Fatalf("breaker %+v after answers", st)
	}
	t.Logf("lookups that reached the site: %d when the breaker opened, %d in all", blocksAtOpen, len(reg.Lookups()))
}
