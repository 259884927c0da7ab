package bench

import (
	"math"
	"testing"
	"time"
)

// TestStageQuantile reads a quantile between two scrapes of a histogram as
// the bound of the bucket it falls in, counting only what happened between.
func TestStageQuantile(t *testing.T) {
	t.Parallel()
	inf := math.Inf(1)
	before := stageCounts{"committed": {0.01: 5, 0.1: 5, 1: 5, inf: 5}}
	after := stageCounts{"committed": {0.01: 95, 0.1: 103, 1: 104, inf: 105}}
	cases := []struct {
		q     float64
		bound time.Duration
	}{
		{0.5, 10 * time.Millisecond},
		{0.9, 10 * time.Millisecond},
		{0.95, 100 * time.Millisecond},
		{0.99, time.Second},
		{1, 0}, // the slowest is beyond the last bucket
	}
	for _, c := range cases {
		got, n := stageQuantile(before, after, "committed", c.q)
		if got != c.bound || n != 100 {
			t.Errorf("q %.2f: %s of %d, want %s of 100", c.q, got, n, c.bound)
		}
	}
	if got, n := stageQuantile(before, after, "written", 0.99); got != 0 || n != 0 {
		t.Errorf("an absent stage: %s of %d", got, n)
	}
}
