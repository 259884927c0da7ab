package worker_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/padron/padron/worker"
)

// The gate hands out turns exactly gap apart, in call order, on the
// injected clock.
func TestPacerSpacing(t *testing.T) {
	t.Parallel()
	clock := clockwork.NewFakeClock()
	p := worker.NewPacer(5*time.Second, 0, clock)
	start := clock.Now()
	const n = 4
	released := make(chan time.Duration, n)
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := p.Wait(context.Background()); err != nil {
				t.Error(err)
			}
			released <- clock.Since(start)
		}()
	}
	// The first goes at once; each later one needs the clock to move 5 s.
	first := <-released
	if first != 0 {
		t.Fatalf("first turn after %v", first)
	}
	for i := 1; i < n; i++ {
		if err := clock.BlockUntilContext(context.Background(), n-i); err != nil {
			t.Fatal(err)
		}
		clock.Advance(5 * time.Second)
		if got := <-released; got != time.Duration(i)*5*time.Second {
			t.Fatalf("turn %d released at %v, want %v", i, got, time.Duration(i)*5*time.Second)
		}
	}
	wg.Wait()
}

// A caller that gives up returns at once with its context's error.
func TestPacerHonoursContext(t *testing.T) {
	t.Parallel()
	clock := clockwork.NewFakeClock()
	p := worker.NewPacer(time.Minute, 0, clock)
	if err := p.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Wait(ctx) }()
	if err := clock.BlockUntilContext(context.Background(), 1); err != nil {
		t.Fatal(err)
	}
	cancel()
	select {
	case err := <-done:
		if err != context.Canceled {
			t.Fatalf("err = %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Wait ignored cancellation")
	}
}
