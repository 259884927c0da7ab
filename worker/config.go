package worker

import (
	"log/slog"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/padron/padron/census"
	"github.com/padron/padron/pacing"
	"github.com/padron/padron/tokens"
)

// Worker defaults, documented on Config; config.Default uses them too, so
// each value is written once.
const (
	DefaultConcurrency       = 2
	DefaultMaxAttempts       = 3
	DefaultRetryJitter       = 0.1
	DefaultTick              = 2 * time.Second
	DefaultLease             = 2 * time.Minute
	DefaultCheckTimeout      = 5 * time.Minute
	DefaultShutdownTimeout   = 20 * time.Second
	DefaultBreakerThreshold  = 3
	DefaultBreakerCooloff    = 5 * time.Minute
	DefaultBreakerMaxCooloff = time.Hour
	DefaultAttemptRetention  = 30 * 24 * time.Hour
	DefaultRevalidateAfter   = 30 * 24 * time.Hour
	DefaultRevalidateBatch   = 20
	DefaultRevalidateEvery   = 10 * time.Minute
	DefaultEvidenceEvery     = time.Hour
	DefaultSource            = string(census.SourceWSP)
)

// DefaultRetryDelays returns the default waits before the 2nd, 3rd and 4th
// attempt (1m, 5m, 15m), a fresh slice each call so no caller can change
// another's.
func DefaultRetryDelays() []time.Duration {
	return []time.Duration{time.Minute, 5 * time.Minute, 15 * time.Minute}
}

// Config tunes the worker; the zero value of each field means its default.
type Config struct {
	// Concurrency is how many checks run at once. Default
	// DefaultConcurrency (2: a 2-core machine runs 2–4 Chromium lookups
	// usefully).
	Concurrency int
	// MaxAttempts counts every attempt of one check, the first included.
	// Default DefaultMaxAttempts (3).
	MaxAttempts int
	// RetryDelays are the waits before the 2nd, 3rd, ... attempt; the last
	// one repeats if there are more attempts than delays. Default
	// DefaultRetryDelays() (1m, 5m, 15m).
	RetryDelays []time.Duration
	// RetryJitter is the largest random fraction added to a retry delay.
	// Default DefaultRetryJitter (0.1); negative means none.
	RetryJitter float64
	// Tick is how often the dispatcher looks for due checks when nobody
	// wakes it (retries coming due, expired leases). Default DefaultTick (2s).
	Tick time.Duration
	// Lease is how long a claim holds before another dispatcher may take
	// the check over; renewed while the check runs. Default DefaultLease (2m).
	Lease time.Duration
	// CheckTimeout bounds one attempt end to end (captcha, pacing wait,
	// browser). Default DefaultCheckTimeout (5m).
	CheckTimeout time.Duration
	// ShutdownTimeout is how long Stop lets in-flight checks finish before
	// cancelling them and releasing their leases. Default
	// DefaultShutdownTimeout (20s).
	ShutdownTimeout time.Duration

	// BreakerThreshold consecutive blocks open the breaker. Default
	// DefaultBreakerThreshold (3).
	BreakerThreshold int
	// BreakerCooloff is the first pause; it doubles on each repeated trip up
	// to BreakerMaxCooloff. Defaults DefaultBreakerCooloff (5m) and
	// DefaultBreakerMaxCooloff (1h).
	BreakerCooloff    time.Duration
	BreakerMaxCooloff time.Duration

	// AttemptRetention is how long attempt history is kept. Default
	// DefaultAttemptRetention (30 days).
	AttemptRetention time.Duration
	// RevalidateAfter is the age at which a final answer is checked again.
	// Default DefaultRevalidateAfter (30 days); negative turns revalidation
	// off.
	RevalidateAfter time.Duration
	// RevalidateBatch is how many stale answers one revalidation run
	// enqueues (it runs every RevalidateEvery). Defaults
	// DefaultRevalidateBatch (20) and DefaultRevalidateEvery (10m).
	RevalidateBatch int
	RevalidateEvery time.Duration
	// EvidenceEvery keeps at most one evidence set per distinct error
	// signature in this window. Default DefaultEvidenceEvery (1h).
	EvidenceEvery time.Duration

	// Source names the registrar site in the attempt history. Default
	// DefaultSource ("wsp").
	Source string
	// Clock is the time source for scheduling and retries. Default: the
	// real clock; tests pass clockwork.NewFakeClock().
	Clock clockwork.Clock
	// Logger receives the worker's logs. Default: the app's logger (so logs
	// land in the dashboard), taken when the worker starts.
	Logger *slog.Logger

	// Pacing is the gate the lookups' requests go through, reported in
	// Status (the pacing allowance used); the worker does not pace. Default
	// nil: not reported.
	Pacing *pacing.Gate
	// Tokens is the captcha token pipeline, reported in Status. Default
	// nil: not reported.
	Tokens TokenReporter
}

// TokenReporter is what Status needs of the captcha token pipeline (the
// lookup engine); ok is false without a captcha service.
type TokenReporter interface {
	TokenStatus() (st tokens.Status, ok bool)
}

func (c Config) withDefaults() Config {
	def := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	if c.Concurrency <= 0 {
		c.Concurrency = DefaultConcurrency
	}
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = DefaultMaxAttempts
	}
	if len(c.RetryDelays) == 0 {
		c.RetryDelays = DefaultRetryDelays()
	}
	if c.RetryJitter == 0 {
		c.RetryJitter = DefaultRetryJitter
	}
	def(&c.Tick, DefaultTick)
	def(&c.Lease, DefaultLease)
	def(&c.CheckTimeout, DefaultCheckTimeout)
	def(&c.ShutdownTimeout, DefaultShutdownTimeout)
	if c.BreakerThreshold <= 0 {
		c.BreakerThreshold = DefaultBreakerThreshold
	}
	def(&c.BreakerCooloff, DefaultBreakerCooloff)
	def(&c.BreakerMaxCooloff, DefaultBreakerMaxCooloff)
	def(&c.AttemptRetention, DefaultAttemptRetention)
	def(&c.RevalidateAfter, DefaultRevalidateAfter)
	if c.RevalidateBatch <= 0 {
		c.RevalidateBatch = DefaultRevalidateBatch
	}
	def(&c.RevalidateEvery, DefaultRevalidateEvery)
	def(&c.EvidenceEvery, DefaultEvidenceEvery)
	if c.Source == "" {
		c.Source = DefaultSource
	}
	if c.Clock == nil {
		c.Clock = clockwork.NewRealClock()
	}
	return c
}
