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
	ConcurrencyDefault       = 2
	MaxAttemptsDefault       = 3
	RetryJitterDefault       = 0.1
	TickDefault              = 2 * time.Second
	LeaseDefault             = 2 * time.Minute
	CheckTimeoutDefault      = 5 * time.Minute
	ShutdownTimeoutDefault   = 20 * time.Second
	BreakerThresholdDefault  = 3
	BreakerCooloffDefault    = 5 * time.Minute
	BreakerMaxCooloffDefault = time.Hour
	AttemptRetentionDefault  = 30 * 24 * time.Hour
	RevalidateAfterDefault   = 30 * 24 * time.Hour
	RetryFailedAfterDefault  = 6 * time.Hour
	RevalidateBatchDefault   = 20
	RevalidateEveryDefault   = 10 * time.Minute
	EvidenceEveryDefault     = time.Hour
	SourceDefault            = string(census.SourceWSP)
)

// Ranges of the Config fields operators set, so config's flags accept
// exactly what New does; "off" values are named, never zero.
const (
	// ConcurrencyMin is one check at a time.
	ConcurrencyMin = 1
	// ConcurrencyMax bounds the checks in flight: each holds a browser page.
	ConcurrencyMax = 64
	// MaxAttemptsMin is the first attempt alone, no retry.
	MaxAttemptsMin = 1
	// MaxAttemptsMax bounds how long one check can keep failing.
	MaxAttemptsMax = 100
	// TickMin keeps the dispatcher from spinning on the database.
	TickMin = 10 * time.Millisecond
	// TickMax still finds retries come due within a day.
	TickMax = 24 * time.Hour
	// BreakerThresholdMin opens the breaker on the first block.
	BreakerThresholdMin = 1
	// BreakerThresholdMax is as patient as the breaker gets.
	BreakerThresholdMax = 100
	// BreakerCooloffMin is the shortest breaker pause, for either bound.
	BreakerCooloffMin = time.Second
	// AttemptRetentionMin keeps at least an hour of history to diagnose.
	AttemptRetentionMin = time.Hour
	// RevalidateAfterMin keeps revalidation from re-checking fresh answers.
	RevalidateAfterMin = time.Hour
	// RevalidateOff, as RevalidateAfter, never checks a final answer again.
	RevalidateOff time.Duration = -1
	// RetryFailedAfterMin keeps a check that failed for good from being
	// hammered: a site that is down gets at least this long.
	RetryFailedAfterMin = 10 * time.Minute
	// RetryFailedOff, as RetryFailedAfter, leaves a check that failed for
	// good until someone asks for it again.
	RetryFailedOff time.Duration = -1
	// RetryJitterOff, as RetryJitter, adds no random part to retry delays.
	RetryJitterOff = -1.0
)

// RetryDelaysDefault returns the default waits before the 2nd, 3rd and 4th
// attempt (1m, 5m, 15m), a fresh slice each call so no caller can change
// another's.
func RetryDelaysDefault() []time.Duration {
	return []time.Duration{time.Minute, 5 * time.Minute, 15 * time.Minute}
}

// Config tunes the worker; the zero value of each field means its default,
// "off" is a named value (RetryJitterOff, RevalidateOff), and New refuses
// values out of the documented ranges (Validate).
type Config struct {
	// Concurrency is how many checks run at once, ConcurrencyMin to
	// ConcurrencyMax (1 to 64). Default ConcurrencyDefault (2: a 2-core
	// machine runs 2–4 Chromium lookups usefully).
	Concurrency int
	// MaxAttempts counts every attempt of one check, the first included,
	// MaxAttemptsMin to MaxAttemptsMax (1 to 100). Default
	// MaxAttemptsDefault (3).
	MaxAttempts int
	// RetryDelays are the waits before the 2nd, 3rd, ... attempt; the last
	// one repeats if there are more attempts than delays; each 0 or more.
	// Default
	// RetryDelaysDefault() (1m, 5m, 15m).
	RetryDelays []time.Duration
	// RetryJitter is the largest random fraction added to a retry delay.
	// Default RetryJitterDefault (0.1); RetryJitterOff means none; at most 1.
	RetryJitter float64
	// Tick is how often the dispatcher looks for due checks when nobody
	// wakes it (retries coming due, expired leases), TickMin to TickMax
	// (10ms to 24h). Default TickDefault (2s).
	Tick time.Duration
	// Lease is how long a claim holds before another dispatcher may take
	// the check over; renewed while the check runs. Default LeaseDefault (2m).
	Lease time.Duration
	// CheckTimeout bounds one attempt end to end (captcha, pacing wait,
	// browser). Default CheckTimeoutDefault (5m).
	CheckTimeout time.Duration
	// ShutdownTimeout is how long Stop lets in-flight checks finish before
	// cancelling them and releasing their leases. Default
	// ShutdownTimeoutDefault (20s).
	ShutdownTimeout time.Duration

	// BreakerThreshold consecutive blocks open the breaker,
	// BreakerThresholdMin to BreakerThresholdMax (1 to 100). Default
	// BreakerThresholdDefault (3).
	BreakerThreshold int
	// BreakerCooloff is the first pause; it doubles on each repeated trip up
	// to BreakerMaxCooloff, not less than it; each at least BreakerCooloffMin
	// (1s). Defaults BreakerCooloffDefault (5m) and BreakerMaxCooloffDefault
	// (1h).
	BreakerCooloff    time.Duration
	BreakerMaxCooloff time.Duration

	// AttemptRetention is how long attempt history is kept, at least
	// AttemptRetentionMin (1h). Default AttemptRetentionDefault (30 days).
	AttemptRetention time.Duration
	// RevalidateAfter is the age at which a final answer is checked again,
	// at least RevalidateAfterMin (1h). Default RevalidateAfterDefault (30
	// days); RevalidateOff turns revalidation off.
	RevalidateAfter time.Duration
	// RetryFailedAfter is how long a check that failed for good (error,
	// timeout, blocked) waits before the revalidation job queues it again,
	// so "seguimos intentando" stays true without anyone asking; at least
	// RetryFailedAfterMin (10m). Default RetryFailedAfterDefault (6h);
	// RetryFailedOff turns it off.
	RetryFailedAfter time.Duration
	// RevalidateBatch is how many stale answers one revalidation run
	// enqueues (it runs every RevalidateEvery). Defaults
	// RevalidateBatchDefault (20) and RevalidateEveryDefault (10m).
	RevalidateBatch int
	RevalidateEvery time.Duration
	// EvidenceEvery keeps at most one evidence set per distinct error
	// signature in this window. Default EvidenceEveryDefault (1h).
	EvidenceEvery time.Duration

	// Source names the registrar site in the attempt history. Default
	// SourceDefault ("wsp").
	Source string
	// Clock is the time source for scheduling and retries. Default: the
	// real clock; tests pass clockwork.NewFakeClock().
	Clock clockwork.Clock
	// Logger receives the worker's logs. Default: the app's logger (so logs
	// land in the dashboard), taken when the worker starts.
	Logger *slog.Logger

	// AgentBreakers leaves blocks to the breakers of the agents that ran
	// the lookups (a broker): one agent's blocked address must not stop
	// the others, so this worker's breaker never opens. Default false.
	AgentBreakers bool

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
		c.Concurrency = ConcurrencyDefault
	}
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = MaxAttemptsDefault
	}
	if len(c.RetryDelays) == 0 {
		c.RetryDelays = RetryDelaysDefault()
	}
	if c.RetryJitter == 0 {
		c.RetryJitter = RetryJitterDefault
	}
	def(&c.Tick, TickDefault)
	def(&c.Lease, LeaseDefault)
	def(&c.CheckTimeout, CheckTimeoutDefault)
	def(&c.ShutdownTimeout, ShutdownTimeoutDefault)
	if c.BreakerThreshold <= 0 {
		c.BreakerThreshold = BreakerThresholdDefault
	}
	def(&c.BreakerCooloff, BreakerCooloffDefault)
	def(&c.BreakerMaxCooloff, BreakerMaxCooloffDefault)
	def(&c.AttemptRetention, AttemptRetentionDefault)
	def(&c.RevalidateAfter, RevalidateAfterDefault)
	def(&c.RetryFailedAfter, RetryFailedAfterDefault)
	if c.RevalidateBatch <= 0 {
		c.RevalidateBatch = RevalidateBatchDefault
	}
	def(&c.RevalidateEvery, RevalidateEveryDefault)
	def(&c.EvidenceEvery, EvidenceEveryDefault)
	if c.Source == "" {
		c.Source = SourceDefault
	}
	if c.Clock == nil {
		c.Clock = clockwork.NewRealClock()
	}
	return c
}
