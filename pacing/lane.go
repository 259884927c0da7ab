package pacing

import (
	"context"
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
	if l.cfg.off() {
		return func() {}, ctx.Err()
	}
	step := l.cfg.Gap
	if l.cfg.Jitter > 0 {
		step += rand.N(l.cfg.Jitter)
	}
	arrived := l.clock.Now()
	me := &turn{finished: make(chan struct{})}
	l.mu.Lock()
	prev := l.tail
	l.tail = me
	l.mu.Unlock()

	if prev != nil {
		select {
		case <-prev.finished:
		case <-ctx.Done():
			l.giveUp(me, prev)
			return nil, ctx.Err()
		}
		at := next(prev, step)
		l.noteIdle(at, arrived)
		if wait := at.Sub(l.clock.Now()); wait > 0 {
			t := l.clock.NewTimer(wait)
			select {
			case <-t.Chan():
			case <-ctx.Done():
				t.Stop()
				l.giveUp(me, prev)
				return nil, ctx.Err()
			}
		}
	}
	me.released = l.clock.Now()
	l.noteRelease(me.released)
	var once sync.Once
	return func() {
		once.Do(func() {
			me.doneAt = l.clock.Now()
			close(me.finished)
		})
	}, nil
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
