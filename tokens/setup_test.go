package tokens

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/padron/padron/captcha"
)

// fakeSolver solves on the test's fake clock: each solve takes the solve
// time set when it started, and ends when the test calls release with a
// clock past its due time.
type fakeSolver struct {
	clock *clockwork.FakeClock

	mu       sync.Mutex
	solve    time.Duration
	pending  []*fakeSolve
	issued   int
	reported []string
}

type fakeSolve struct {
	due  time.Time
	done chan struct{}
}

func (f *fakeSolver) setSolve(d time.Duration) {
	f.mu.Lock()
	f.solve = d
	f.mu.Unlock()
}

func (f *fakeSolver) Solve(ctx context.Context, _ captcha.Task) (captcha.Token, error) {
	f.mu.Lock()
	s := &fakeSolve{due: f.clock.Now().Add(f.solve), done: make(chan struct{})}
	f.pending = append(f.pending, s)
	f.mu.Unlock()
	select {
	case <-s.done:
	case <-ctx.Done():
		return captcha.Token{}, ctx.Err()
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.issued++
	return captcha.Token{Value: fmt.Sprintf("token-%d", f.issued), ID: fmt.Sprint(f.issued)}, nil
}

func (f *fakeSolver) ReportBad(_ context.Context, t captcha.Token) error {
	f.mu.Lock()
	f.reported = append(f.reported, t.ID)
	f.mu.Unlock()
	return nil
}

// release ends every solve due by now.
func (f *fakeSolver) release() {
	f.mu.Lock()
	defer f.mu.Unlock()
	keep := f.pending[:0]
	for _, s := range f.pending {
		if !s.due.After(f.clock.Now()) {
			close(s.done)
			continue
		}
		keep = append(keep, s)
	}
	f.pending = keep
}

// blocked is how many solves wait for release.
func (f *fakeSolver) blocked() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.pending)
}

// settle waits until every solve the pipeline started is blocked in the
// solver and every released one has been handed over.
func settle(t *testing.T, p *Pipeline, f *fakeSolver) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for p.Status().InFlight != f.blocked() {
		if time.Now().After(deadline) {
			t.Fatalf("pipeline did not settle: %d in flight, %d at the solver", p.Status().InFlight, f.blocked())
		}
		time.Sleep(time.Millisecond)
	}
}

// newTestPipeline is a pipeline without its loop, planned by hand on a
// fake clock.
func newTestPipeline(t *testing.T, cfg Config) (*Pipeline, *fakeSolver, *clockwork.FakeClock) {
	t.Helper()
	clock := clockwork.NewFakeClockAt(time.Date(2026, 3, 8, 8, 0, 0, 0, time.UTC))
	f := &fakeSolver{clock: clock, solve: cfg.InitialSolve}
	cfg.Clock = clock
	p := newPipeline(f, captcha.Task{SiteKey: "k", PageURL: "http://127.0.0.1/page"}, cfg)
	t.Cleanup(func() { _ = p.Close() })
	return p, f, clock
}
