package pacing_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/padron/padron/pacing"
)

// aheadResult is what one WaitAhead in its own goroutine got: when it
// returned (relative to t0), and its place.
type aheadResult struct {
	at    time.Duration
	ahead *pacing.Ahead
	err   error
}

// waitAhead runs WaitAhead in its own goroutine.
func (c *pacerClock) waitAhead(ctx context.Context, lead time.Duration) chan aheadResult {
	out := make(chan aheadResult, 1)
	go func() {
		a, err := c.p.WaitAhead(ctx, pacing.PageLoad, lead)
		out <- aheadResult{c.Since(c.t0), a, err}
	}()
	return out
}

// release runs Release in its own goroutine, as a turn.
func (c *pacerClock) release(ctx context.Context, a *pacing.Ahead) *turn {
	tr := &turn{released: make(chan time.Duration, 1), err: make(chan error, 1), done: make(chan func(), 1)}
	go func() {
		done, err := a.Release(ctx)
		if err != nil {
			tr.err <- err
			return
		}
		tr.done <- done
		tr.released <- c.Since(c.t0)
	}()
	return tr
}

func expectAhead(t *testing.T, ch chan aheadResult, want time.Duration) *pacing.Ahead {
	t.Helper()
	select {
	case r := <-ch:
		if r.err != nil {
			t.Fatalf("WaitAhead: %v", r.err)
		}
		if r.at != want {
			t.Fatalf("WaitAhead returned at %v, want %v", r.at, want)
		}
		return r.ahead
	case <-time.After(5 * time.Second):
		t.Fatalf("WaitAhead did not return (want at %v)", want)
	}
	return nil
}

func expectAheadHeld(t *testing.T, ch chan aheadResult) {
	t.Helper()
	select {
	case r := <-ch:
		t.Fatalf("WaitAhead returned at %v while the turn is more than its lead away", r.at)
	case <-time.After(20 * time.Millisecond):
	}
}

// The next request is built during the gap: WaitAhead returns lead before
// the turn, and the built request, held, is let go exactly at the gap's
// boundary, however long it waited there.
func TestWaitAheadReleasesAtTheBoundary(t *testing.T) {
	t.Parallel()
	c := newPacerClock(time.Second)
	first := c.wait(t.Context())
	done := expectRelease(t, first, 0)
	done() // answered at once: the next may go at 1 s

	ahead := c.waitAhead(t.Context(), 300*time.Millisecond)
	c.advanceTo(t, 699*time.Millisecond)
	expectAheadHeld(t, ahead)
	c.advanceTo(t, 700*time.Millisecond)
	a := expectAhead(t, ahead, 700*time.Millisecond)

	c.Advance(100 * time.Millisecond) // building the request took 100 ms
	held := c.release(t.Context(), a)
	expectHeld(t, held)
	c.advanceTo(t, time.Second)
	expectRelease(t, held, time.Second)()
}

// A request that took longer than the lead to build goes as soon as it is
// ready: the turn waits for it, and the usage shows the lane idle meanwhile.
func TestWaitAheadLateBuildGoesAtOnce(t *testing.T) {
	t.Parallel()
	c := newPacerClock(time.Second)
	expectRelease(t, c.wait(t.Context()), 0)()
	ahead := c.waitAhead(t.Context(), 100*time.Millisecond)
	c.advanceTo(t, 900*time.Millisecond)
	a := expectAhead(t, ahead, 900*time.Millisecond)
	c.Advance(400 * time.Millisecond) // the build took 400 ms: 300 ms late
	expectRelease(t, c.release(t.Context(), a), 1300*time.Millisecond)()
	if _, err := a.Release(t.Context()); err == nil {
		t.Error("a second Release of one turn was let through")
	}
	u := c.p.Usage()
	// 1.3 s window: the gap after the first used 1 s, the late build idled
	// 0.3 s, so 1 s of 1.3 s was in use.
	if want := 100 * 1.0 / 1.3; u.Lookups != 2 || u.LimitUsedPercent < want-0.5 || u.LimitUsedPercent > want+0.5 {
		t.Errorf("Usage() = %+v, want 2 lookups and about %.1f %% used", u, want)
	}
}

// A place given up (Cancel, or its context ended) does not stretch the
// gap: the request after it keeps its gap from the one before.
func TestWaitAheadGivenUpKeepsTheGap(t *testing.T) {
	t.Parallel()
	c := newPacerClock(time.Second)
	expectRelease(t, c.wait(t.Context()), 0)()

	a := expectAhead(t, c.waitAhead(t.Context(), time.Second), 0)
	a.Cancel()
	a.Cancel() // twice does nothing
	next := c.wait(t.Context())
	expectHeld(t, next)
	c.advanceTo(t, time.Second)
	expectRelease(t, next, time.Second)()

	ctx, cancel := context.WithCancel(t.Context())
	b := expectAhead(t, c.waitAhead(ctx, time.Second), time.Second)
	gone := c.release(ctx, b)
	expectHeld(t, gone)
	cancel()
	select {
	case err := <-gone.err:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Release after cancel = %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Release ignored its context")
	}
	last := c.wait(t.Context())
	c.advanceTo(t, 2*time.Second)
	expectRelease(t, last, 2*time.Second)()
}

// Unpaced and nil gates hand out places that go at once.
func TestWaitAheadUnpaced(t *testing.T) {
	t.Parallel()
	for _, g := range []*pacing.Gate{nil, pacing.New(pacing.Config{}, nil)} {
		a, err := g.WaitAhead(t.Context(), pacing.FormPost, time.Second)
		if err != nil {
			t.Fatal(err)
		}
		done, err := a.Release(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		done()
	}
	if _, err := pacing.New(pacing.Default(), nil).WaitAhead(t.Context(), pacing.Lane(7), 0); err == nil {
		t.Error("an unknown lane was accepted")
	}
}
