package tokens

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/padron/padron/pacing"
)

// TestTargetFormula pins the sizing rule: a solve must start solve/gap
// gaps ahead, plus a spare, within 1 and the bound.
func TestTargetFormula(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		solve, gap time.Duration
		most, want int
	}{
		{4 * time.Second, time.Second, 16, 5},
		{4500 * time.Millisecond, time.Second, 16, 6},
		{20 * time.Second, 5 * time.Second, 16, 5},
		{30 * time.Second, time.Second, 16, 16},
		{time.Millisecond, time.Second, 16, 2},
		{0, time.Second, 16, 1},
		{8 * time.Second, 0, 16, 16},
	} {
		if got := target(tc.solve, tc.gap, tc.most); got != tc.want {
			t.Errorf("target(%v, %v, %d) = %d, want %d", tc.solve, tc.gap, tc.most, got, tc.want)
		}
	}
}

// TestSizingFollowsSolveTime simulates a long queue drained one token per
// pacing gap on a fake clock while the service's solve time changes: the
// pipeline grows when solves slow down (before the slow ones finish), and
// shrinks when they speed up or the queue empties.
func TestSizingFollowsSolveTime(t *testing.T) {
	t.Parallel()
	const gap = time.Second
	var demand atomic.Int64
	demand.Store(1000)
	p, f, clock := newTestPipeline(t, Config{
		Pacing: pacing.New(pacing.Config{Gap: gap}, nil), Max: 16, InitialSolve: 2 * time.Second,
		Demand: func(most int) int { return int(min(demand.Load(), int64(most))) },
	})
	const step = 100 * time.Millisecond
	var starved, taken, steps int
	// run advances the clock by d in steps; the gate takes a token every
	// gap while there is demand. It returns the largest target seen.
	run := func(d time.Duration) (peak int) {
		for i := 0; i < int(d/step); i++ {
			clock.Advance(step)
			f.release()
			settle(t, p, f)
			steps++
			if demand.Load() > 0 && steps%int(gap/step) == 0 {
				if p.Status().Ready == 0 {
					starved++
				} else {
					tok, err := p.Take(t.Context())
					if err != nil {
						t.Fatal(err)
					}
					tok.Used()
					taken++
				}
			}
			p.plan()
			settle(t, p, f)
			peak = max(peak, p.Status().Target)
		}
		return peak
	}

	f.setSolve(2 * time.Second)
	run(20 * time.Second)
	if st := p.Status(); st.Target != 3 {
		t.Fatalf("2 s solves, 1 s gap: target %d, want 3 (%+v)", st.Target, st)
	}
	starvedSteady := starved

	// The service slows down to 6 s: the pipeline grows as soon as a
	// running solve is older than the estimate, before any slow one ends.
	f.setSolve(6 * time.Second)
	peakEarly := run(5500 * time.Millisecond)
	if peakEarly < 6 {
		t.Errorf("5.5 s into 6 s solves the target is at most %d, want it grown to ≥ 6", peakEarly)
	}
	run(35 * time.Second)
	if st := p.Status(); st.Target != 7 {
		t.Errorf("6 s solves: target %d, want 7 (%+v)", st.Target, st)
	}
	if st := p.Status(); st.InFlight+st.Ready > 7 {
		t.Errorf("6 s solves: %d solving and %d ready, more than the target 7", st.InFlight, st.Ready)
	}
	starvedSlow := starved

	// It speeds up to 1.5 s: the estimate follows and the target shrinks.
	f.setSolve(1500 * time.Millisecond)
	run(30 * time.Second)
	if st := p.Status(); st.Target != 3 {
		t.Errorf("1.5 s solves: target %d, want 3 (%+v)", st.Target, st)
	}
	if st := p.Status(); st.InFlight+st.Ready > 3 {
		t.Errorf("1.5 s solves: %d solving and %d ready, more than the target 3", st.InFlight, st.Ready)
	}
	if starved != starvedSlow {
		t.Errorf("the gate found no token %d times while solves sped up", starved-starvedSlow)
	}

	// The queue empties: nothing new is bought; what was running ends ready.
	demand.Store(0)
	run(5 * time.Second)
	st := p.Status()
	if st.Target != 0 || st.InFlight != 0 {
		t.Errorf("empty queue: target %d, %d solving, want none", st.Target, st.InFlight)
	}
	bought := st.Bought
	run(10 * time.Second)
	if st := p.Status(); st.Bought != bought || st.InFlight != 0 {
		t.Errorf("empty queue: bought %d more tokens", st.Bought-bought)
	}
	if st.Expired != 0 {
		t.Errorf("%d tokens expired with a queue drained every gap", st.Expired)
	}
	t.Logf("taken %d; gate found no token %d times at start (first solves), %d more when solves slowed; status %+v",
		taken, starvedSteady, starvedSlow-starvedSteady, st)
}

// TestNoDemandSolvesOnAsk checks a pipeline without a demand signal buys
// exactly one token per caller waiting in Take, as a lookup solving its own
// token would.
func TestNoDemandSolvesOnAsk(t *testing.T) {
	t.Parallel()
	p, f, clock := newTestPipeline(t, Config{Pacing: pacing.New(pacing.Config{Gap: time.Second}, nil), InitialSolve: 3 * time.Second})
	p.plan()
	if st := p.Status(); st.InFlight != 0 {
		t.Fatalf("no demand, nobody waiting: %d solves started", st.InFlight)
	}
	got := make(chan *Token, 2)
	for range 2 {
		go func() {
			tok, err := p.Take(t.Context())
			if err != nil {
				t.Error(err)
			}
			got <- tok
		}()
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		p.plan()
		settle(t, p, f)
		if p.Status().InFlight == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("two callers waiting: %+v", p.Status())
		}
		time.Sleep(time.Millisecond)
	}
	clock.Advance(3 * time.Second)
	f.release()
	(<-got).Used()
	(<-got).Used()
	p.plan()
	if st := p.Status(); st.InFlight != 0 || st.Bought != 2 || st.Used != 2 {
		t.Errorf("after two takes: %+v, want 2 bought, 2 used, none solving", st)
	}
}
