package tokens

import (
	"errors"
	"slices"
	"time"

	"github.com/padron/padron/captcha"
)

// startLocked starts one solve; p.mu is held.
func (p *Pipeline) startLocked(now time.Time) {
	p.inFlight = append(p.inFlight, now)
	p.stats.started++
	p.solves.Add(1)
	go p.solve(now)
}

// solve runs one solve on the pipeline's context and hands its token (or
// failure) to the longest waiter, or keeps the token ready.
func (p *Pipeline) solve(started time.Time) {
	defer p.solves.Done()
	tok, err := p.solver.Solve(p.ctx, p.task)
	now := p.cfg.Clock.Now()

	p.mu.Lock()
	if i := slices.Index(p.inFlight, started); i >= 0 {
		p.inFlight = slices.Delete(p.inFlight, i, i+1)
	}
	switch {
	case p.closed:
		if err == nil {
			p.stats.bought++
			p.stats.dropped++
		}
	case err != nil:
		p.failedLocked(now, err)
	case tok.Value == "":
		// The page would refuse to submit at all; nothing was gained.
		p.failedLocked(now, errEmptyToken)
	default:
		p.est.observe(now.Sub(started))
		p.stats.bought++
		p.backoff, p.pauseUntil, p.systemic = minBackoff, time.Time{}, nil
		t := &Token{Token: tok, Solved: now, p: p}
		p.handLocked(result{tok: t})
	}
	p.mu.Unlock()
	p.kick()
}

// errEmptyToken is a solve that returned no token.
var errEmptyToken = errors.New("captcha: the service returned an empty token")

// ErrEmptyToken reports whether err is a solve that returned no token.
func ErrEmptyToken(err error) bool { return errors.Is(err, errEmptyToken) }

// failedLocked records a failed solve: new solves pause for a backoff; the
// longest waiter gets the error; a refusal (key, balance, unreachable)
// fails every waiter and every Take until the pause ends.
func (p *Pipeline) failedLocked(now time.Time, err error) {
	p.stats.failed++
	p.stats.lastErr = err.Error()
	p.pauseUntil = now.Add(p.backoff)
	p.backoff = min(2*p.backoff, maxBackoff)
	if errors.Is(err, captcha.ErrConfig) || errors.Is(err, captcha.ErrUnreachable) {
		p.systemic = err
		for _, w := range p.waiters {
			w.ch <- result{err: err}
		}
		p.waiters = nil
		return
	}
	p.handLocked(result{err: err})
	p.cfg.Logger.Warn("captcha solve failed", "err", err, "pause", p.backoff/2)
}

// handLocked gives r to the longest waiter; a token nobody waits for joins
// the ready ones, a failure nobody waits for is only counted.
func (p *Pipeline) handLocked(r result) {
	if len(p.waiters) == 0 {
		if r.tok != nil {
			p.ready = append(p.ready, r.tok)
		}
		return
	}
	w := p.waiters[0]
	p.waiters = p.waiters[1:]
	if r.tok != nil {
		p.held++
	}
	w.ch <- r
}
