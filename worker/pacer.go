package worker

import (
	"context"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/jonboulle/clockwork"
)

// Pacer keeps a minimum gap between lookups on the registrar, so a bulk
// refresh never hammers the site. It implements scraper.Gate: the scraper
// calls Wait after the captcha is solved, right before it touches the site,
// so captcha solving runs ahead and a slow captcha service does not waste
// the pacing budget.
type Pacer struct {
	gap, jitter time.Duration
	clock       clockwork.Clock

	mu   sync.Mutex
	next time.Time // earliest moment the next lookup may start
}

// The gap and jitter the server paces with when none is configured: one
// lookup every 5–6 s, so a bulk refresh does not hammer the registrar.
const (
	DefaultPacing       = 5 * time.Second
	DefaultPacingJitter = time.Second
)

// NewPacer paces lookups gap apart plus up to jitter at random; a zero gap
// lets everything through. clock may be nil (real time).
func NewPacer(gap, jitter time.Duration, clock clockwork.Clock) *Pacer {
	if clock == nil {
		clock = clockwork.NewRealClock()
	}
	return &Pacer{gap: gap, jitter: jitter, clock: clock}
}

// Wait blocks until this caller's turn (turns are handed out in call order)
// or until ctx is done; a caller that gives up does not free its turn, so
// the gap holds even around cancellations.
func (p *Pacer) Wait(ctx context.Context) error {
	if p == nil || (p.gap <= 0 && p.jitter <= 0) {
		return ctx.Err()
	}
	p.mu.Lock()
	now := p.clock.Now()
	at := p.next
	if at.Before(now) {
		at = now
	}
	step := p.gap
	if p.jitter > 0 {
		step += rand.N(p.jitter)
	}
	p.next = at.Add(step)
	p.mu.Unlock()

	wait := at.Sub(now)
	if wait <= 0 {
		return ctx.Err()
	}
	t := p.clock.NewTimer(wait)
	defer t.Stop()
	select {
	case <-t.Chan():
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
