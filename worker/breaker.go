package worker

import (
	"sync"
	"time"

	"github.com/jonboulle/clockwork"
)

// Breaker states, as the status endpoint reports them.
const (
	BreakerClosed   = "closed"    // claiming normally
	BreakerOpen     = "open"      // cooling off after repeated blocks
	BreakerHalfOpen = "half_open" // one probe check allowed
)

// Breaker stops the worker from claiming after N consecutive blocks, for a
// cool-off that doubles on every repeated trip (capped), then lets one probe
// through: the firewall remembers, and hammering it makes blocks last longer.
type Breaker struct {
	threshold     int
	base, max     time.Duration
	clock         clockwork.Clock
	onTransition  func(from, to string, cooloff time.Duration)
	mu            sync.Mutex
	state         string
	consecutive   int
	trips         int
	openUntil     time.Time
	probeInFlight bool
}

// BreakerStatus is the breaker's state for superusers and logs.
type BreakerStatus struct {
	State       string    `json:"state"`
	Consecutive int       `json:"consecutive_blocks"`
	Trips       int       `json:"trips"`
	OpenUntil   time.Time `json:"open_until,omitzero"`
}

// NewBreaker builds a closed breaker; onTransition (may be nil) is told of
// every state change, for logging.
func NewBreaker(threshold int, base, max time.Duration, clock clockwork.Clock, onTransition func(from, to string, cooloff time.Duration)) *Breaker {
	if onTransition == nil {
		onTransition = func(string, string, time.Duration) {}
	}
	return &Breaker{threshold: threshold, base: base, max: max, clock: clock, onTransition: onTransition, state: BreakerClosed}
}

// Allow reports whether a new check may be claimed now; in half-open state it
// admits exactly one probe until that probe reports back.
func (b *Breaker) Allow() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch b.state {
	case BreakerOpen:
		if b.clock.Now().Before(b.openUntil) {
			return false
		}
		b.set(BreakerHalfOpen, 0)
		fallthrough
	case BreakerHalfOpen:
		if b.probeInFlight {
			return false
		}
		b.probeInFlight = true
		return true
	default:
		return true
	}
}

// Blocked records a block answer from the registrar.
func (b *Breaker) Blocked() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.consecutive++
	b.probeInFlight = false
	if b.state == BreakerHalfOpen || b.consecutive >= b.threshold {
		if b.state != BreakerOpen {
			b.trips++
		}
		cool := b.base << min(b.trips-1, 30)
		if cool > b.max || cool <= 0 {
			cool = b.max
		}
		b.openUntil = b.clock.Now().Add(cool)
		b.set(BreakerOpen, cool)
	}
}

// Answered records that the registrar answered without blocking us.
func (b *Breaker) Answered() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.consecutive = 0
	b.probeInFlight = false
	if b.state != BreakerClosed {
		b.trips = 0
		b.set(BreakerClosed, 0)
	}
}

// Release returns an unused probe slot (the probe ended without reaching
// the site, e.g. a captcha failure or shutdown).
func (b *Breaker) Release() {
	b.mu.Lock()
	b.probeInFlight = false
	b.mu.Unlock()
}

// Status reports the breaker's current state.
func (b *Breaker) Status() BreakerStatus {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := BreakerStatus{State: b.state, Consecutive: b.consecutive, Trips: b.trips}
	if b.state == BreakerOpen {
		s.OpenUntil = b.openUntil
	}
	return s
}

func (b *Breaker) set(to string, cool time.Duration) {
	if b.state == to {
		return
	}
	from := b.state
	b.state = to
	b.onTransition(from, to, cool)
}
