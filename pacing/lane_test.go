package pacing_test

import (
	"context"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/padron/padron/pacing"
)

// pacerClock is a fake clock and a pacer on it, started at t0.
type pacerClock struct {
	*clockwork.FakeClock
	t0 time.Time
	p  *pacing.Gate
}

func newPacerClock(gap time.Duration) *pacerClock {
	c := clockwork.NewFakeClock()
	return &pacerClock{FakeClock: c, t0: c.Now(), p: pacing.New(pacing.Config{Gap: gap}, c)}
}

// turn is one Wait in its own goroutine; released says when it got
// through (relative to t0) and done ends it.
type turn struct {
	released chan time.Duration
	err      chan error
	done     chan func()
}

func (c *pacerClock) wait(ctx context.Context) *turn { return c.waitOn(ctx, pacing.PageLoad) }

// waitOn is wait in lane l.
func (c *pacerClock) waitOn(ctx context.Context, l pacing.Lane) *turn {
	tr := &turn{released: make(chan time.Duration, 1), err: make(chan error, 1), done: make(chan func(), 1)}
	go func() {
		done, err := c.p.Wait(ctx, l)
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
func TestLaneSpacing(t *testing.T) {
	t.Parallel()
	c := newPacerClock(5 * time.Second)
	const n = 4
	released := make(chan time.Duration, n)
	for range n {
		go func() {
			done, err := c.p.Wait(context.Background(), pacing.PageLoad)
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
func TestLaneCountsFromTheEnd(t *testing.T) {
	t.Parallel()
	c := newPacerClock(5 * time.Second)
	done := expectRelease(t, c.wait(context.Background()), 0)
	next := c.wait(context.Background())
	c.Advance(8 * time.Second) // past the gap: the first lookup is still running
	expectHeld(t, next)
	done() // ends at 8 s: the next may go at 8 + 5 − 5/20 s
	c.advanceTo(t, 8*time.Second+5*time.Second-5*time.Second/pacing.WireSlack)
	expectRelease(t, next, 8*time.Second+5*time.Second-5*time.Second/pacing.WireSlack)()
}

// A caller that gives up returns at once with its context's error, and the
// one after it still keeps the gap from the last lookup that ran.
func TestLaneHonoursContext(t *testing.T) {
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
func TestLaneOff(t *testing.T) {
	t.Parallel()
	p := pacing.New(pacing.Config{}, clockwork.NewFakeClock())
	for range 3 {
		if _, err := p.Wait(context.Background(), pacing.PageLoad); err != nil {
			t.Fatal(err)
		}
	}
}

// Page loads and form posts keep the gap within their own lane only: a
// page load goes while another lookup's form post is still unanswered.
func TestLanesAreIndependent(t *testing.T) {
	t.Parallel()
	c := newPacerClock(5 * time.Second)
	page := expectRelease(t, c.wait(context.Background()), 0)
	post := expectRelease(t, c.waitOn(context.Background(), pacing.FormPost), 0)
	nextPost := c.waitOn(context.Background(), pacing.FormPost)
	expectHeld(t, nextPost) // the first post is unanswered
	page()
	nextPage := c.wait(context.Background())
	c.advanceTo(t, 5*time.Second)
	expectRelease(t, nextPage, 5*time.Second)()
	expectHeld(t, nextPost)
	post() // answered at 5 s: the next post goes 5 − 5/20 s later
	c.advanceTo(t, 10*time.Second-5*time.Second/pacing.WireSlack)
	expectRelease(t, nextPost, 10*time.Second-5*time.Second/pacing.WireSlack)()
}

// A lookup slower than the gap does not stretch the pace: with its form
// post answered only after the next lookup's page load was due, page
// loads still go exactly one gap apart (100 % of the limit), where pacing
// whole lookups let the next one go only a gap after the slow one ended.
func TestSlowLookupKeepsTheRate(t *testing.T) {
	t.Parallel()
	const gap = time.Second
	c := newPacerClock(gap)
	ctx := context.Background()
	// Lookup A: page at 0, answered within the wire slack (50 ms); form
	// post at 0.5 s, answered only at 1.4 s.
	doneA := expectRelease(t, c.wait(ctx), 0)
	c.Advance(gap / pacing.WireSlack)
	doneA()
	pageB := c.wait(ctx)
	c.Advance(450 * time.Millisecond)
	postA := expectRelease(t, c.waitOn(ctx, pacing.FormPost), 500*time.Millisecond)
	// Lookup B's page load is due a gap after A's, while A's post is out.
	c.advanceTo(t, gap)
	doneB := expectRelease(t, pageB, gap)
	c.Advance(gap / pacing.WireSlack)
	doneB()
	pageC := c.wait(ctx)
	c.Advance(350 * time.Millisecond)
	postA() // answered at 1.4 s
	postB := c.waitOn(ctx, pacing.FormPost)
	if err := c.BlockUntilContext(t.Context(), 2); err != nil { // pageC and postB asleep
		t.Fatal(err)
	}
	c.advanceTo(t, 2*gap)
	expectRelease(t, pageC, 2*gap)()
	// B's post waits for A's answer plus the gap less the wire slack.
	at := 1400*time.Millisecond + gap - gap/pacing.WireSlack
	c.advanceTo(t, at)
	expectRelease(t, postB, at)()
	if st := c.p.Usage(); st.Lookups != 3 {
		t.Errorf("usage %+v, want 3 lookups", st)
	}
}
