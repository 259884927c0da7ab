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
	restored      bool
	seq           uint64              // bumped on every change worth persisting
	onChange      func(BreakerStatus) // told of every such change, outside the lock
}

// BreakerStatus is the breaker's state for superusers and logs.
type BreakerStatus struct {
	State       string    `json:"state"`
	Consecutive int       `json:"consecutive_blocks"`
	Trips       int       `json:"trips"`
	OpenUntil   time.Time `json:"open_until,omitzero"`
	// Restored says the state came from the database at start: a restart
	// did not forget a block.
	Restored bool `json:"restored,omitempty"`

	seq uint64 // orders snapshots, so an older one never overwrites a newer
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
	defer b.changed()()
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
	defer b.changed()()
	b.consecutive++
	b.seq++
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
	defer b.changed()()
	if b.consecutive > 0 {
		b.seq++
	}
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
	return b.statusLocked()
}

func (b *Breaker) statusLocked() BreakerStatus {
	s := BreakerStatus{State: b.state, Consecutive: b.consecutive, Trips: b.trips, Restored: b.restored, seq: b.seq}
	if b.state == BreakerOpen {
		s.OpenUntil = b.openUntil
	}
	return s
}

// Claimable is how many checks the breaker would let the worker claim now,
// without taking a probe: -1 for any number (closed), 1 (a probe is due),
// or 0 (cooling off, or the probe is out).
func (b *Breaker) Claimable() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch {
	case b.state == BreakerClosed:
		return -1
	case b.state == BreakerOpen && b.clock.Now().Before(b.openUntil), b.probeInFlight:
		return 0
	}
	return 1
}

// OnChange sets f to be told of every change worth persisting (state,
// consecutive blocks, trips), outside the breaker's lock; snapshots may
// arrive out of order, Newer tells them apart. Set it before use.
func (b *Breaker) OnChange(f func(BreakerStatus)) {
	b.mu.Lock()
	b.onChange = f
	b.mu.Unlock()
}

// Newer reports whether s is a later state than o.
func (s BreakerStatus) Newer(o BreakerStatus) bool { return s.seq > o.seq }

// Restore puts the breaker back in a state persisted by an earlier process:
// an open breaker keeps cooling off until its OpenUntil; a half-open one
// admits a fresh probe (the old one died with the process).
func (b *Breaker) Restore(s BreakerStatus) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch s.State {
	case BreakerOpen, BreakerHalfOpen, BreakerClosed:
	default:
		return
	}
	b.state, b.consecutive, b.trips, b.openUntil = s.State, s.Consecutive, s.Trips, s.OpenUntil
	b.probeInFlight = false
	b.restored = true
}

// changed returns the deferred tail of a mutating method: it unlocks and,
// if the method changed what is persisted, tells onChange.
func (b *Breaker) changed() func() {
	before := b.seq
	return func() {
		var snap BreakerStatus
		notify := b.seq != before && b.onChange != nil
		if notify {
			snap = b.statusLocked()
		}
		f := b.onChange
		b.mu.Unlock()
		if notify {
			f(snap)
		}
	}
}

func (b *Breaker) set(to string, cool time.Duration) {
	if b.state == to {
		return
	}
	from := b.state
	b.state = to
	b.seq++
	b.onTransition(from, to, cool)
}
