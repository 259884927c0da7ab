package worker

import (
	"log/slog"
	"time"

	"github.com/jonboulle/clockwork"
)

// Config tunes the worker; the zero value of each field means its default.
type Config struct {
	// Concurrency is how many checks run at once. Default 2 (a 2-core
	// machine runs 2–4 Chromium lookups usefully).
	Concurrency int
	// MaxAttempts counts every attempt of one check, the first included.
	// Default 3.
	MaxAttempts int
	// RetryDelays are the waits before the 2nd, 3rd, ... attempt; the last
	// one repeats if there are more attempts than delays. Default 1m, 5m, 15m.
	RetryDelays []time.Duration
	// RetryJitter is the largest random fraction added to a retry delay.
	// Default 0.1; negative means none.
	RetryJitter float64
	// Tick is how often the dispatcher looks for due checks when nobody
	// wakes it (retries coming due, expired leases). Default 2s.
	Tick time.Duration
	// Lease is how long a claim holds before another dispatcher may take
	// the check over; renewed while the check runs. Default 2m.
	Lease time.Duration
	// CheckTimeout bounds one attempt end to end (captcha, pacing wait,
	// browser). Default 5m.
	CheckTimeout time.Duration
	// ShutdownTimeout is how long Stop lets in-flight checks finish before
	// cancelling them and releasing their leases. Default 20s.
	ShutdownTimeout time.Duration

	// BreakerThreshold consecutive blocks open the breaker. Default 3.
	BreakerThreshold int
	// BreakerCooloff is the first pause; it doubles on each repeated trip up
	// to BreakerMaxCooloff. Defaults 5m and 1h.
	BreakerCooloff    time.Duration
	BreakerMaxCooloff time.Duration

	// AttemptRetention is how long attempt history is kept. Default 30 days.
	AttemptRetention time.Duration
	// RevalidateAfter is the age at which a final answer is checked again.
	// Default 30 days; negative turns revalidation off.
	RevalidateAfter time.Duration
	// RevalidateBatch is how many stale answers one revalidation run
	// enqueues (it runs every RevalidateEvery). Defaults 20 and 10m.
	RevalidateBatch int
	RevalidateEvery time.Duration
	// EvidenceEvery keeps at most one evidence set per distinct error
	// signature in this window. Default 1h.
	EvidenceEvery time.Duration

	// Source names the registrar site in the attempt history. Default "wsp".
	Source string
	// Clock is the time source for scheduling and retries. Default: the
	// real clock; tests pass clockwork.NewFakeClock().
	Clock clockwork.Clock
	// Logger receives the worker's logs. Default: the app's logger (so logs
	// land in the dashboard), taken when the worker starts.
	Logger *slog.Logger
}

func (c Config) withDefaults() Config {
	def := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	if c.Concurrency <= 0 {
		c.Concurrency = 2
	}
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = 3
	}
	if len(c.RetryDelays) == 0 {
		c.RetryDelays = []time.Duration{time.Minute, 5 * time.Minute, 15 * time.Minute}
	}
	if c.RetryJitter == 0 {
		c.RetryJitter = 0.1
	}
	def(&c.Tick, 2*time.Second)
	def(&c.Lease, 2*time.Minute)
	def(&c.CheckTimeout, 5*time.Minute)
	def(&c.ShutdownTimeout, 20*time.Second)
	if c.BreakerThreshold <= 0 {
		c.BreakerThreshold = 3
	}
	def(&c.BreakerCooloff, 5*time.Minute)
	def(&c.BreakerMaxCooloff, time.Hour)
	def(&c.AttemptRetention, 30*24*time.Hour)
	def(&c.RevalidateAfter, 30*24*time.Hour)
	if c.RevalidateBatch <= 0 {
		c.RevalidateBatch = 20
	}
	def(&c.RevalidateEvery, 10*time.Minute)
	def(&c.EvidenceEvery, time.Hour)
	if c.Source == "" {
		c.Source = "wsp"
	}
	if c.Clock == nil {
		c.Clock = clockwork.NewRealClock()
	}
	return c
}
