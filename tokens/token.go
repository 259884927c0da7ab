package tokens

import (
	"context"
	"sync"
	"time"

	"github.com/padron/padron/captcha"
)

// Token is a solved captcha handed out by Take. Its owner ends it with
// exactly one of Used, Expire or Return; later calls do nothing.
type Token struct {
	captcha.Token
	// Solved is when the service handed the token over; its life counts
	// from here.
	Solved time.Time

	p    *Pipeline
	once sync.Once
}

// Fresh reports whether the token may still be submitted: younger than the
// pipeline's Lifetime.
func (t *Token) Fresh() bool {
	return t.p.cfg.Clock.Since(t.Solved) < t.p.cfg.Lifetime
}

// Used records that the token is being submitted to the site.
func (t *Token) Used() {
	t.end(func(c *counters) { c.used++ })
}

// Expire discards a token too old to submit, counted as wasted.
func (t *Token) Expire() {
	t.end(func(c *counters) { c.expired++ })
}

// Return gives back a token that was never submitted (the lookup failed
// before the form), to be handed out again while fresh enough.
func (t *Token) Return() {
	if t == nil {
		return
	}
	t.once.Do(func() {
		p := t.p
		p.mu.Lock()
		p.held--
		if p.closed {
			p.stats.dropped++
		} else {
			// The oldest token goes first: ahead of every ready one. A new
			// handle, so the next taker can end it in turn.
			again := &Token{Token: t.Token, Solved: t.Solved, p: p}
			p.ready = append([]*Token{again}, p.ready...)
			p.dropStaleLocked(p.cfg.Clock.Now())
			// Someone may be waiting since the ready list was empty.
			for len(p.waiters) > 0 && len(p.ready) > 0 {
				r := p.ready[0]
				p.ready = p.ready[1:]
				p.handLocked(result{tok: r})
			}
		}
		p.mu.Unlock()
		p.kick()
	})
}

// Reject tells the service the site refused the token (best effort; it
// refunds and learns), after Used.
func (t *Token) Reject(ctx context.Context) error {
	t.p.mu.Lock()
	t.p.stats.rejected++
	t.p.mu.Unlock()
	return t.p.solver.ReportBad(ctx, t.Token)
}

func (t *Token) end(count func(*counters)) {
	if t == nil {
		return
	}
	t.once.Do(func() {
		t.p.mu.Lock()
		t.p.held--
		count(&t.p.stats)
		t.p.mu.Unlock()
		t.p.kick()
	})
}
