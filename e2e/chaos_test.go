package e2e_test

import (
	"fmt"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/padron/padron/apptest"
	"github.com/padron/padron/census"
	"github.com/padron/padron/fakecaptcha"
	"github.com/padron/padron/fakeregistrar"
	"github.com/padron/padron/worker"
)

// TestChaos runs checks through a registrar in chaos mode (random blocks,
// storms of blocks, slow answers, garbage pages, connection resets) and a
// captcha service that errs, on the server as the binary builds it with a
// real Chromium. The fake keeps the truth: every record must end in the
// status the last answer it was served calls for, the breaker must trip and
// recover, and once the server is gone no goroutine may be left behind.
// Quick: 40 checks; PADRON_FAULTS=long: 200. PADRON_FAULTS_SEED replays a run.
// Not parallel: the goroutine count is the whole process's.
func TestChaos(t *testing.T) {
	if testing.Short() {
		t.Skip("drives Chromium through a chaotic registrar")
	}
	n := sized(40, 200)
	seed := faultSeed(t, 1)
	t.Logf("%d checks, seed %d (replay with %s_SEED=%d)", n, seed, faultsEnv, seed)
	apptest.Seeded(t) // the template app's goroutines live as long as the process
	before := runtime.NumGoroutine()
	t.Run("run", func(t *testing.T) { chaosRun(t, n, seed) })
	checkNoGoroutineLeak(t, before, 0, 30*time.Second)
}

func chaosRun(t *testing.T, n int, seed uint64) {
	// The lookup timeout leaves a starved Chromium room to load a page (a
	// full parallel test run on 2 cores took 2 s and more for ordinary
	// pages); slow faults stay well past it, so they still time out.
	const lookupTimeout = 6 * time.Second
	reg, solver := startFakesWith(t, fakeregistrar.Config{
		Fixtures: []fakeregistrar.Fixture{},
		Chaos:    &fakeregistrar.Chaos{Seed: seed, Rate: 0.35, SlowDelay: 3 * lookupTimeout / 2, StormEvery: 25, StormLength: 4},
	}, fakecaptcha.Config{Chaos: &fakecaptcha.Chaos{Seed: seed, Rate: 0.08}})

	// What the registrar would answer without chaos: mostly found, and every
	// other answer too.
	base := []fakeregistrar.Case{fakeregistrar.CaseFound, fakeregistrar.CaseFound, fakeregistrar.CaseNotFound,
		fakeregistrar.CaseFound, fakeregistrar.CaseCancelledDeceased, fakeregistrar.CaseCancelledOther}
	ceds := make([]string, n)
	for i := range ceds {
		ceds[i] = fmt.Sprint(81000000 + i)
		reg.SetFixture(fakeregistrar.Fixture{Cedula: ceds[i], Case: base[i%len(base)]})
	}

	cfg := fakeConfig(t, reg)
	cfg.Concurrency, cfg.BrowserPool = 2, 2
	cfg.MaxAttempts = 3
	cfg.RetryDelays = []time.Duration{100 * time.Millisecond}
	cfg.LookupTimeout = lookupTimeout
	cfg.BreakerThreshold = 3
	cfg.BreakerCooloff, cfg.BreakerMaxCooloff = time.Second, 2*time.Second
	cfg.Pacing.Gap, cfg.Pacing.Jitter = 20*time.Millisecond, 0
	x := newStack(t, cfg)
	x.app.Settings().RateLimits.Enabled = false // one client registers them all

	// Watch the breaker for the whole run.
	var opened, trips int
	stop, watched := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(watched)
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			b := x.srv.Worker.Status().Breaker
			if b.State == worker.BreakerOpen {
				opened++
			}
			trips = max(trips, b.Trips)
		}
	}()
	watching := true
	stopWatching := func() {
		if watching {
			close(stop)
			<-watched
			watching = false
		}
	}
	defer stopWatching()

	start := time.Now()
	ids := make([]string, n)
	for i, ced := range ceds {
		ids[i] = register(t, x.base, ced, "")
	}
	waitFor(t, time.Duration(n)*6*time.Second, "every check final", func() bool {
		var busy int
		_ = x.app.DB().NewQuery("SELECT count(*) FROM cedula_info WHERE status IN ('pending','processing')").Row(&busy)
		return busy == 0
	})
	waitFor(t, 10*time.Second, "idle worker", func() bool { return x.srv.Worker.Status().Busy == 0 })
	stopWatching()
	breaker := x.srv.Worker.Status().Breaker

	served := map[string][]fakeregistrar.LookupRecord{}
	faults := map[string]int{}
	for _, l := range reg.Lookups() {
		served[l.Cedula] = append(served[l.Cedula], l)
		faults[l.Chaos]++
	}
	statuses := map[string]int{}
	duplicates := 0
	for i, ced := range ceds {
		info := x.info(t, ids[i])
		status := info.GetString("status")
		statuses[status]++
		attempts := x.attempts(t, ids[i])
		duplicates += max(0, len(served[ced])-len(attempts))
		if why := chaosVerdict(status, info.GetString("municipio"), attempts, served[ced], reg.Fixture(ced), cfg.MaxAttempts, lookupTimeout); why != "" {
			var trail []string
			for _, l := range served[ced] {
				trail = append(trail, fmt.Sprintf("%s %s/%s %v", l.At.Format("15:04:05.000"), l.Case, l.Chaos, l.Delay))
			}
			var tried []string
			for _, a := range attempts {
				tried = append(tried, fmt.Sprintf("#%d %s at %s", a.GetInt("attempt"), a.GetString("outcome"),
					a.GetDateTime("started_at").Time().Format("15:04:05.000")))
			}
			t.Errorf("%s ended %s: %s\n  served: %v\n  attempts: %v", ced, status, why, trail, tried)
		}
	}
	t.Logf("%d checks in %v: %v", n, time.Since(start).Round(time.Millisecond), statuses)
	t.Logf("registrar: %d lookups, faults %v; captcha: %+v; lookups beyond one per attempt: %d",
		len(reg.Lookups()), faults, solver.Chaos(), duplicates)
	t.Logf("breaker: seen open %d×, up to %d trips in a row; now %+v", opened, trips, breaker)
	if opened == 0 || trips == 0 {
		t.Errorf("the breaker never tripped (%d storms served)", faults[fakeregistrar.ChaosStorm]/4)
	}
	if breaker.State != worker.BreakerClosed {
		t.Errorf("breaker did not recover: %+v", breaker)
	}
}

// chaosVerdict says why a record's end contradicts what the registrar
// served it, "" when it is consistent. The last attempt decides: if it
// reached the registrar, the last lookup served within it says what the
// attempt should have concluded; if not, the captcha failed it.
func chaosVerdict(status, municipio string, attempts []*core.Record, served []fakeregistrar.LookupRecord,
	fixture fakeregistrar.Fixture, maxAttempts int, lookupTimeout time.Duration) string {
	if census.IsInFlight(status) {
		return "still in flight"
	}
	if len(attempts) == 0 {
		return "no attempt recorded"
	}
	last := attempts[len(attempts)-1]
	if slices.ContainsFunc(attempts[:len(attempts)-1], func(a *core.Record) bool {
		return a.GetBool("success") || !census.Retryable(classNamed(a.GetString("outcome")))
	}) {
		return "an attempt followed an answer or a final failure"
	}
	if last.GetInt("attempt") != len(attempts) {
		return fmt.Sprintf("attempt numbers skip: last is #%d of %d rows", last.GetInt("attempt"), len(attempts))
	}
	began := last.GetDateTime("started_at").Time()
	var within []fakeregistrar.LookupRecord
	for _, l := range served {
		if !l.At.Before(began.Add(-time.Millisecond)) {
			within = append(within, l)
		}
	}
	outcome := last.GetString("outcome")
	if len(within) == 0 {
		// The registrar never saw this attempt: the captcha service failed it.
		if outcome != census.ErrCaptcha.Error() && outcome != census.ErrCaptchaUnreachable.Error() && outcome != census.ErrTimeout.Error() {
			return fmt.Sprintf("last attempt (%s) never reached the registrar", outcome)
		}
	} else {
		want := within[len(within)-1].Want(lookupTimeout)
		got := outcome
		if last.GetBool("success") {
			if want.Outcome == "" {
				return fmt.Sprintf("answered %s, but the registrar last served %s", outcome, want.Class)
			}
		} else {
			if want.Class == "" {
				return fmt.Sprintf("failed %s, but the registrar last answered %s", outcome, want.Outcome)
			}
			want.Outcome = want.Class
		}
		if got != want.Outcome {
			return fmt.Sprintf("last attempt concluded %s, the registrar's last answer calls for %s", got, want.Outcome)
		}
	}
	if last.GetBool("success") {
		if want := census.StatusOf(census.Outcome(outcome)); status != want {
			return fmt.Sprintf("answer %s should end %s", outcome, want)
		}
		if status == census.StatusActive && municipio != fixture.Municipio {
			return fmt.Sprintf("municipio %q, the registrar answered %q", municipio, fixture.Municipio)
		}
		return ""
	}
	class := classNamed(outcome)
	if want := census.FailedStatus(class); status != want {
		return fmt.Sprintf("failure %s should end %s", outcome, want)
	}
	if census.Retryable(class) && len(attempts) != maxAttempts {
		return fmt.Sprintf("gave up on %s after %d attempts, want %d", outcome, len(attempts), maxAttempts)
	}
	return ""
}

// classNamed is the error class census names name, nil for none.
func classNamed(name string) error {
	for _, c := range census.Classes {
		if c.Error() == name {
			return c
		}
	}
	return nil
}
