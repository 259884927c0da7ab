package worker

import (
	"fmt"
	"time"
)

// Validate reports the first field New cannot use, so a worker built
// directly (tests, another command) gets the checks the binary's settings
// get: zero means the default everywhere, "off" is a named value, and only
// values out of their documented range are refused.
func (c Config) Validate() error {
	ints := []struct {
		name           string
		v, def, lo, hi int
	}{
		{"Concurrency", c.Concurrency, ConcurrencyDefault, ConcurrencyMin, ConcurrencyMax},
		{"MaxAttempts", c.MaxAttempts, MaxAttemptsDefault, MaxAttemptsMin, MaxAttemptsMax},
		{"BreakerThreshold", c.BreakerThreshold, BreakerThresholdDefault, BreakerThresholdMin, BreakerThresholdMax},
	}
	for _, f := range ints {
		if f.v != 0 && (f.v < f.lo || f.v > f.hi) {
			return fmt.Errorf("worker: %s %d out of range: want 0 (default %d) or %d to %d", f.name, f.v, f.def, f.lo, f.hi)
		}
	}
	durs := []struct {
		name           string
		v, def, lo, hi time.Duration
	}{
		{"Tick", c.Tick, TickDefault, TickMin, TickMax},
		{"BreakerCooloff", c.BreakerCooloff, BreakerCooloffDefault, BreakerCooloffMin, 0},
		{"BreakerMaxCooloff", c.BreakerMaxCooloff, BreakerMaxCooloffDefault, BreakerCooloffMin, 0},
		{"AttemptRetention", c.AttemptRetention, AttemptRetentionDefault, AttemptRetentionMin, 0},
		{"Lease", c.Lease, LeaseDefault, 1, 0},
		{"CheckTimeout", c.CheckTimeout, CheckTimeoutDefault, 1, 0},
		{"ShutdownTimeout", c.ShutdownTimeout, ShutdownTimeoutDefault, 1, 0},
		{"RevalidateEvery", c.RevalidateEvery, RevalidateEveryDefault, 1, 0},
		{"EvidenceEvery", c.EvidenceEvery, EvidenceEveryDefault, 1, 0},
	}
	for _, f := range durs {
		if f.v != 0 && (f.v < f.lo || f.hi != 0 && f.v > f.hi) {
			want := fmt.Sprintf("at least %s", f.lo)
			if f.hi != 0 {
				want = fmt.Sprintf("%s to %s", f.lo, f.hi)
			}
			return fmt.Errorf("worker: %s %s out of range: want 0 (default %s) or %s", f.name, f.v, f.def, want)
		}
	}
	if c.RetryFailedAfter != 0 && c.RetryFailedAfter != RetryFailedOff && c.RetryFailedAfter < RetryFailedAfterMin {
		return fmt.Errorf("worker: RetryFailedAfter %s out of range: want 0 (default %s), RetryFailedOff or at least %s",
			c.RetryFailedAfter, RetryFailedAfterDefault, RetryFailedAfterMin)
	}
	if c.RevalidateAfter != 0 && c.RevalidateAfter != RevalidateOff && c.RevalidateAfter < RevalidateAfterMin {
		return fmt.Errorf("worker: RevalidateAfter %s out of range: want 0 (default %s), RevalidateOff or at least %s",
			c.RevalidateAfter, RevalidateAfterDefault, RevalidateAfterMin)
	}
	if c.RetryJitter != 0 && c.RetryJitter != RetryJitterOff && (c.RetryJitter < 0 || c.RetryJitter > 1) {
		return fmt.Errorf("worker: RetryJitter %g out of range: want 0 (default %g), RetryJitterOff or up to 1", c.RetryJitter, RetryJitterDefault)
	}
	for i, d := range c.RetryDelays {
		if d < 0 {
			return fmt.Errorf("worker: RetryDelays[%d] %s is negative: want 0 or more", i, d)
		}
	}
	if c.RevalidateBatch < 0 {
		return fmt.Errorf("worker: RevalidateBatch %d is negative: want 0 (default %d) or more", c.RevalidateBatch, RevalidateBatchDefault)
	}
	cool, ceiling := c.BreakerCooloff, c.BreakerMaxCooloff
	if cool == 0 {
		cool = BreakerCooloffDefault
	}
	if ceiling == 0 {
		ceiling = BreakerMaxCooloffDefault
	}
	if cool > ceiling {
		return fmt.Errorf("worker: BreakerCooloff %s exceeds BreakerMaxCooloff %s", cool, ceiling)
	}
	return nil
}
