package scraper

import (
	"net/http"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/padron/padron/captcha"
	"github.com/padron/padron/census"
	"github.com/padron/padron/fakecaptcha"
	"github.com/padron/padron/pacing"
)

// TestPacedRequestWaitsInTheBrowser checks a lookup builds its page load
// during the gap and the browser holds it at the request stage: PaceLead
// before its turn the navigation starts, the request waits for the turn
// (on the gate's clock) without reaching the registrar, and goes when the
// turn comes.
func TestPacedRequestWaitsInTheBrowser(t *testing.T) {
	f := startFakes(t)
	clock := clockwork.NewFakeClock()
	const gap = 10 * time.Second
	cfg := f.config(t, census.SourceWSP, f.solver(t, captcha.APIClassic, fakecaptcha.KeyGood+"-ahead"))
	cfg.Gate = pacing.New(pacing.Config{Gap: gap}, clock)
	e := newEngine(t, cfg)
	pageLoads := func() int {
		n := 0
		for _, a := range f.reg.Arrivals() {
			if a.Method == http.MethodGet {
				n++
			}
		}
		return n
	}
	mustFind(t, e, cedFound) // the lane's first requests go at once
	if n := pageLoads(); n != 1 {
		t.Fatalf("%d page loads reached the registrar after one lookup", n)
	}

	res := make(chan error, 1)
	go func() {
		r, err := e.Lookup(t.Context(), "1036601234")
		if err == nil && r.Outcome != census.OutcomeFound {
			t.Errorf("got %+v, want found", r)
		}
		res <- err
	}()
	ctx := t.Context()
	if err := clock.BlockUntilContext(ctx, 1); err != nil { // the place is taken, PaceLead early
		t.Fatal(err)
	}
	clock.Advance(gap - PaceLead)
	// The navigation was sent and paused in the browser: its release is
	// what waits on the clock now.
	if err := clock.BlockUntilContext(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if n := pageLoads(); n != 1 {
		t.Fatalf("the page load reached the registrar before its turn (%d page loads)", n)
	}
	clock.Advance(PaceLead)
	select {
	case err := <-res:
		if err != nil {
			t.Fatalf("Lookup: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the lookup did not finish after its turn")
	}
	if n := pageLoads(); n != 2 {
		t.Fatalf("%d page loads reached the registrar after two lookups", n)
	}
}
