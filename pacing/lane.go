package pacing

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/jonboulle/clockwork"
)

// WireSlack is how much of the gap the time between a request being let
// go and its answer coming back may eat: the answer's arrival bounds when
// the site saw the request, and the next request of the same kind is let
// go no sooner than a gap less 1/WireSlack after it, so the gap measured at
// the site never falls below 95 % of the configured one however late the
// machine's load sent the previous request.
const WireSlack = 20

// lane is one kind of request's line: requests take turns in call order,
// one at a time, and the next one goes a step (the gap plus jitter) after
// the previous one was let go and no sooner than a step less
// step/WireSlack after the previous one's answer came back.
type lane struct {
	cfg   Config
	clock clockwork.Clock

	mu    sync.Mutex
	tail  *turn // the latest turn handed out
	usage usage // guarded by mu
}

// turn is one request's place in the line.
type turn struct {
	finished chan struct{} // closed when the request was answered or gave up
	// released and doneAt are written before finished is closed: when the
	// request was let go and when its answer came back. A turn given up
	// before its release carries its predecessor's, so the gap holds
	// around it.
	released, doneAt time.Time
}

// wait blocks until this caller's turn or until ctx is done; see Gate.Wait.
func (l *lane) wait(ctx context.Context) (done func(), err error) {
	arrived := l.clock.Now()
	a, err := l.ahead(ctx, 0)
	if err != nil {
		return nil, err
	}
	return a.release(ctx, arrived)
}

// ahead takes this caller's place in the line and returns once its turn is
// at most lead away; see Gate.WaitAhead.
func (l *lane) ahead(ctx context.Context, lead time.Duration) (*Ahead, error) {
	if l.cfg.off() {
		return &Ahead{}, ctx.Err()
	}
	step := l.cfg.Gap
	if l.cfg.Jitter > 0 {
		step += rand.N(l.cfg.Jitter)
	}
	me := &turn{finished: make(chan struct{})}
	l.mu.Lock()
	prev := l.tail
	l.tail = me
	l.mu.Unlock()

	a := &Ahead{l: l, me: me, prev: prev}
	if prev == nil {
		return a, nil
	}
	select {
	case <-prev.finished:
	case <-ctx.Done():
		a.Cancel()
		return nil, ctx.Err()
	}
	a.at = next(prev, step)
	if err := l.sleepUntil(ctx, a.at.Add(-lead)); err != nil {
		a.Cancel()
		return nil, err
	}
	return a, nil
}

// sleepUntil blocks until the lane's clock reads at, or until ctx is done.
func (l *lane) sleepUntil(ctx context.Context, at time.Time) error {
	wait := at.Sub(l.clock.Now())
	if wait <= 0 {
		return nil
	}
	t := l.clock.NewTimer(wait)
	defer t.Stop()
	select {
	case <-t.Chan():
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Ahead is one request's place in a lane's line, taken before the request
// exists (Gate.WaitAhead), so the request is built during the gap and held
// where it is about to leave until the turn comes: it then leaves at the
// gap's boundary, not one build later. Release or Cancel it exactly once.
type Ahead struct {
	l        *lane // nil: unpaced, Release lets the request go at once
	me, prev *turn
	at       time.Time // the earliest the request may go (with a prev)
	over     bool      // Release or Cancel was called
}

// Release blocks until the request may go and returns the turn's done, as
// Gate.Wait does; the caller sends the request at once. If ctx ends first
// the place is given up (the gap holds around it) and ctx's error returned.
func (a *Ahead) Release(ctx context.Context) (done func(), err error) {
	if a == nil || a.l == nil {
		return func() {}, ctx.Err()
	}
	return a.release(ctx, a.l.clock.Now())
}

// release is Release for a request ready since ready: the lane stood idle
// from its turn until then, if that came first.
func (a *Ahead) release(ctx context.Context, ready time.Time) (done func(), err error) {
	if a.l == nil {
		return func() {}, ctx.Err()
	}
	if a.over {
		return nil, errors.New("pacing: a turn released twice")
	}
	if a.prev != nil {
		a.l.noteIdle(a.at, ready)
		if err := a.l.sleepUntil(ctx, a.at); err != nil {
			a.Cancel()
			return nil, err
		}
	}
	a.over = true
	me := a.me
	me.released = a.l.clock.Now()
	a.l.noteRelease(me.released)
	var once sync.Once
	return func() {
		once.Do(func() {
			me.doneAt = a.l.clock.Now()
			close(me.finished)
		})
	}, nil
}

// Cancel gives the place up without sending the request: the next one
// keeps its gap from the request before this one. Cancelling after
// Release, or twice, does nothing.
func (a *Ahead) Cancel() {
	if a == nil || a.l == nil || a.over {
		return
	}
	a.over = true
	if a.prev == nil {
		close(a.me.finished) // nothing went before: the next may go at once
		return
	}
	a.l.giveUp(a.me, a.prev)
}

// next is the earliest the request after prev may go, step apart.
func next(prev *turn, step time.Duration) time.Time {
	at := prev.released.Add(step)
	if after := prev.doneAt.Add(step - step/WireSlack); after.After(at) {
		at = after
	}
	return at
}

// giveUp passes prev's timing on through me, which never ran.
func (l *lane) giveUp(me, prev *turn) {
	go func() {
		<-prev.finished
		me.released, me.doneAt = prev.released, prev.doneAt
		close(me.finished)
	}()
}

// finished reports whether t's request is over.
func finished(t *turn) bool {
	select {
	case <-t.finished:
		return true
	default:
		return false
	}
}
