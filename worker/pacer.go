package worker

import (
	"context"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/jonboulle/clockwork"
)

// Pacer keeps a minimum gap between lookups where the registrar sees them,
// so a bulk refresh never hammers the site. It implements scraper.Gate:
// lookups take turns in call order, one at a time, and the next one starts
// a gap after the previous one was let through and no sooner than a gap
// (less WireSlack) after the previous one finished. Every request of one
// lookup therefore reaches the site at least that far from every request
// of another, however late the machine's load made the previous one.
// The scraper waits after the captcha is solved, so solving runs ahead.
type Pacer struct {
	gap, jitter time.Duration
	clock       clockwork.Clock

	mu    sync.Mutex
	tail  *turn // the latest turn handed out
	usage usage // guarded by mu
}

// turn is one lookup's place in the line.
type turn struct {
	finished chan struct{} // closed when the lookup is done or gave up
	// released and doneAt are written before finished is closed: when the
	// lookup was let through and when it finished. A turn given up before
	// its release carries its predecessor's, so the gap holds around it.
	released, doneAt time.Time
}

// The gap and jitter the server paces with when none is configured: one
// lookup every 5–6 s, so a bulk refresh does not hammer the registrar.
const (
	DefaultPacing       = 5 * time.Second
	DefaultPacingJitter = time.Second
)

// WireSlack is how much of the gap the time between a lookup's last request
// reaching the site and its end (its answer coming back, its browser context
// closing) may eat: the gap measured at the site never falls below
// 1 − 1/WireSlack of the configured one (95 %).
const WireSlack = 20

// NewPacer paces lookups gap apart plus up to jitter at random; a zero gap
// and jitter let everything through at once, unpaced. clock may be nil
// (real time).
func NewPacer(gap, jitter time.Duration, clock clockwork.Clock) *Pacer {
	if clock == nil {
		clock = clockwork.NewRealClock()
	}
	return &Pacer{gap: gap, jitter: jitter, clock: clock}
}

// Wait blocks until this caller's turn or until ctx is done. The returned
// done ends the turn and must be called exactly when the lookup will send
// nothing more; calling it again does nothing. A caller that gives up does
// not shorten the gap between its neighbours.
func (p *Pacer) Wait(ctx context.Context) (done func(), err error) {
	if p == nil || (p.gap <= 0 && p.jitter <= 0) {
		return func() {}, ctx.Err()
	}
	step := p.gap
	if p.jitter > 0 {
		step += rand.N(p.jitter)
	}
	arrived := p.clock.Now()
	me := &turn{finished: make(chan struct{})}
	p.mu.Lock()
	prev := p.tail
	p.tail = me
	p.mu.Unlock()

	if prev != nil {
		select {
		case <-prev.finished:
		case <-ctx.Done():
			p.giveUp(me, prev)
			return nil, ctx.Err()
		}
		at := prev.released.Add(step)
		if after := prev.doneAt.Add(step - step/WireSlack); after.After(at) {
			at = after
		}
		p.noteIdle(at, arrived)
		if wait := at.Sub(p.clock.Now()); wait > 0 {
			t := p.clock.NewTimer(wait)
			select {
			case <-t.Chan():
			case <-ctx.Done():
				t.Stop()
				p.giveUp(me, prev)
				return nil, ctx.Err()
			}
		}
	}
	me.released = p.clock.Now()
	p.noteRelease(me.released)
	var once sync.Once
	return func() {
		once.Do(func() {
			me.doneAt = p.clock.Now()
			close(me.finished)
		})
	}, nil
}

// giveUp passes prev's timing on through me, which never ran.
func (p *Pacer) giveUp(me, prev *turn) {
	go func() {
		<-prev.finished
		me.released, me.doneAt = prev.released, prev.doneAt
		close(me.finished)
	}()
}
