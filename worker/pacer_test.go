package worker_test

import (
	"context"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/padron/padron/worker"
)

// pacerClock is a fake clock and a pacer on it, started at t0.
type pacerClock struct {
	*clockwork.FakeClock
	t0 time.Time
	p  *worker.Pacer
}

func newPacerClock(gap time.Duration) *pacerClock {
	c := clockwork.NewFakeClock()
	return &pacerClock{FakeClock: c, t0: c.Now(), p: worker.NewPacer(gap, 0, c)}
}

// turn is one Wait in its own goroutine; released says when it got
// through (relative to t0) and done ends it.
type turn struct {
	released chan time.Duration
	err      chan error
	done     chan func()
}

func (c *pacerClock) wait(ctx context.Context) *turn {
	tr := &turn{released: make(chan time.Duration, 1), err: make(chan error, 1), done: make(chan func(), 1)}
	go func() {
		done, err := c.p.Wait(ctx)
		if err != nil {
			tr.err <- err
			return
		}
		tr.done <- done
		tr.released <- c.Since(c.t0)
	}()
	return tr
}

// advanceTo moves the clock to t0+at once a turn sleeps on it.
func (c *pacerClock) advanceTo(t *testing.T, at time.Duration) {
	t.Helper()
	if err := c.BlockUntilContext(t.Context(), 1); err != nil {
		t.Fatal(err)
	}
	c.Advance(c.t0.Add(at).Sub(c.Now()))
}

func expectRelease(t *testing.T, tr *turn, want time.Duration) func() {
	t.Helper()
	select {
	case got := <-tr.released:
		if got != want {
			t.Fatalf("released at %v, want %v", got, want)
		}
		return <-tr.done
	case err := <-tr.err:
		t.Fatalf("Wait: %v", err)
	case <-time.After(5 * time.Second):
		t.Fatalf("not released (want at %v)", want)
	}
	return nil
}

func expectHeld(t *testing.T, tr *turn) {
	t.Helper()
	select {
	case got := <-tr.released:
		t.Fatalf("released at %v while it should wait", got)
	case <-time.After(20 * time.Millisecond):
	}
}

// Lookups that end at once are let through exactly gap apart, one at a
// time, on the injected clock.
func TestPacerSpacing(t *testing.T) {
	t.Parallel()
	c := newPacerClock(5 * time.Second)
	const n = 4
	released := make(chan time.Duration, n)
	for range n {
		go func() {
			done, err := c.p.Wait(context.Background())
			if err != nil {
				t.Error(err)
				return
			}
			released <- c.Since(c.t0)
			done()
		}()
	}
	for i := range n {
		if i > 0 {
			c.advanceTo(t, time.Duration(i)*5*time.Second)
		}
		select {
		case got := <-released:
			if want := time.Duration(i) * 5 * time.Second; got != want {
				t.Fatalf("turn %d released at %v, want %v", i, got, want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("turn %d not released", i)
		}
	}
}

// The gap counts from the end of a long lookup, less the wire slack, and
// nobody goes while a lookup is still talking to the site.
func TestPacerCountsFromTheEnd(t *testing.T) {
	t.Parallel()
	c := newPacerClock(5 * time.Second)
	done := expectRelease(t, c.wait(context.Background()), 0)
	next := c.wait(context.Background())
	c.Advance(8 * time.Second) // past the gap: the first lookup is still running
	expectHeld(t, next)
	done() // ends at 8 s: the next may go at 8 + 5 − 5/20 s
	c.advanceTo(t, 8*time.Second+5*time.Second-5*time.Second/worker.WireSlack)
	expectRelease(t, next, 8*time.Second+5*time.Second-5*time.Second/worker.WireSlack)()
}

// A caller that gives up returns at once with its context's error, and the
// one after it still keeps the gap from the last lookup that ran.
func TestPacerHonoursContext(t *testing.T) {
	t.Parallel()
	c := newPacerClock(time.Minute)
	expectRelease(t, c.wait(context.Background()), 0)()
	ctx, cancel := context.WithCancel(context.Background())
	quitter := c.wait(ctx)
	if err := c.BlockUntilContext(t.Context(), 1); err != nil {
		t.Fatal(err)
	}
	after := c.wait(context.Background())
	cancel()
	select {
	case err := <-quitter.err:
		if err != context.Canceled {
			t.Fatalf("err = %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Wait ignored cancellation")
	}
	c.advanceTo(t, time.Minute)
	expectRelease(t, after, time.Minute)()
}

// Without a gap, nothing waits and turns overlap freely.
func TestPacerOff(t *testing.T) {
	t.Parallel()
	p := worker.NewPacer(0, 0, clockwork.NewFakeClock())
	for range 3 {
		if _, err := p.Wait(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
}
