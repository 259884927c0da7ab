package worker_test

import (
	"context"
	"testing"
	"time"

	"github.com/padron/padron/census"
	"github.com/padron/padron/worker"
)

// TestBreakerSurvivesARestart opens the breaker, stops the worker and
// starts a new one on the same database, as a restarted server would: the
// new one is still open until the same instant, claims nothing and asks for
// no captcha token until then, and then asks for and sends one probe.
func TestBreakerSurvivesARestart(t *testing.T) {
	t.Parallel()
	cfg := func(c *worker.Config) {
		c.Concurrency = 1
		c.BreakerThreshold = 2
		c.BreakerCooloff = 10 * time.Minute
		c.MaxAttempts = 5
		c.RetryDelays = []time.Duration{time.Minute}
	}
	e := setup(t, cfg)
	c := e.cast
	people := []string{c.LeaderA.Cedula, c.LeaderB.Cedula, c.MemberA.Cedula, c.MemberB.Cedula, c.Loner.Cedula}
	for _, p := range people {
		e.look.set(p, fail(census.ErrBlocked, "F5 support id 123"))
	}
	total := func() int {
		n := 0
		for _, p := range people {
			n += e.look.callsOf(p)
		}
		return n
	}
	e.start(t)
	waitFor(t, "breaker open", func() bool { return e.w.Status().Breaker.State == worker.BreakerOpen })
	e.waitIdle(t)
	before := e.w.Status().Breaker
	if err := e.w.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}

	// The restarted server: a new worker on the same data.
	wc := worker.Config{Concurrency: 1, RetryJitter: -1, Clock: e.clock, Logger: testLogger(),
		BreakerThreshold: 2, BreakerCooloff: 10 * time.Minute, MaxAttempts: 5, RetryDelays: []time.Duration{time.Minute}}
	w2, err := worker.New(e.app, e.look, wc)
	if err != nil {
		t.Fatal(err)
	}
	if err := w2.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = w2.Stop(context.Background()) })
	after := w2.Status().Breaker
	if after.State != worker.BreakerOpen || !after.OpenUntil.Equal(before.OpenUntil) || after.Trips != before.Trips || !after.Restored {
		t.Fatalf("after restart the breaker is %+v, want %+v restored", after, before)
	}
	// Work is due, but while open nothing is claimed and no token wanted.
	e.clock.Advance(5 * time.Minute)
	w2.Wake()
	demand := worker.Demand(e.app, e.clock, testLogger())
	if d := demand(16); d != 0 {
		t.Errorf("demand while open after restart: %d, want 0", d)
	}
	if got := total(); got != 2 {
		t.Fatalf("lookups: %d, want the 2 that opened the breaker", got)
	}
	// At the same instant as before the restart, one probe is due. The
	// demand is read with no worker running: a running one may already
	// have claimed the probe, and then rightly asks for nothing more.
	if err := w2.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(5*time.Minute + time.Second)
	if d := demand(16); d != 1 {
		t.Errorf("demand after the cool-off: %d, want 1 (the probe)", d)
	}
	w3, err := worker.New(e.app, e.look, wc)
	if err != nil {
		t.Fatal(err)
	}
	if err := w3.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = w3.Stop(context.Background()) })
	w3.Wake()
	waitFor(t, "probe", func() bool { return total() == 3 })
	waitFor(t, "re-open", func() bool { return w3.Status().Breaker.State == worker.BreakerOpen })
	if st := w3.Status().Breaker; st.Trips != before.Trips+1 {
		t.Errorf("after the probe was blocked: %+v, want trip %d", st, before.Trips+1)
	}
}

// TestDemandCountsDueChecks checks the demand signal the captcha pipeline
// buys for: due checks not yet claimed (running ones already asked),
// bounded by the limit, none once the queue is empty.
func TestDemandCountsDueChecks(t *testing.T) {
	t.Parallel()
	e := setup(t, nil)
	e.look.hold = make(chan struct{})
	queued, err := census.CountDue(e.app, e.clock.Now(), 1000)
	if err != nil {
		t.Fatal(err)
	}
	if queued < 4 {
		t.Fatalf("seeded queue has %d due checks, want several", queued)
	}
	demand := worker.Demand(e.app, e.clock, testLogger())
	if d := demand(100); d != 0 {
		t.Errorf("demand before start: %d, want 0", d)
	}
	e.start(t)
	waitFor(t, "two running", func() bool { return e.look.inFlight.Load() == 2 })
	if d := demand(100); d != queued-2 {
		t.Errorf("demand with 2 running: %d, want %d (the unclaimed ones)", d, queued-2)
	}
	if d := demand(1); d != 1 {
		t.Errorf("demand limited to 1: %d", d)
	}
	close(e.look.hold)
	e.waitIdle(t)
	waitFor(t, "queue drained", func() bool { return demand(100) == 0 })
}
