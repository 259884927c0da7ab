// Package tokens keeps captcha tokens solved ahead of need, so the
// registrar's pacing gate never waits on the captcha service. A token is
// bound to the page (sitekey and URL), not to a cédula, so it can be bought
// before the lookup that will use it exists in a browser; it lives about two
// minutes, so it must not be bought much earlier than it is used.
//
// A Pipeline keeps enough solves in flight for the pacing gap and the
// observed solve time, only for work that exists (its Demand), and never
// hands out a token too old to submit.
package tokens

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/padron/padron/captcha"
)

// Pipeline defaults, documented on Config.
const (
	MaxDefault          = 16
	LifetimeDefault     = 110 * time.Second
	TakeMarginDefault   = 20 * time.Second
	InitialSolveDefault = 20 * time.Second
	TickDefault         = 250 * time.Millisecond
)

// Failure backoff: after a failed solve no new one starts for a while,
// doubling up to maxBackoff, so a broken service is not hammered.
const (
	minBackoff = time.Second
	maxBackoff = time.Minute
)

// ErrClosed is what Take returns once the pipeline is closed.
var ErrClosed = errors.New("token pipeline closed")

// Config tunes a Pipeline; zero fields take the documented defaults, and
// New refuses values out of range (Validate).
type Config struct {
	// Pacing is the registrar's pacing gate (*pacing.Gate), the one owner of
	// the gap: it lets at most one lookup, so one token, through per Gap.
	// Default nil: unpaced, every needed token is solved at once (up to Max).
	Pacing Pace
	// Max bounds the tokens solving or ready at once, the money at risk if
	// the work goes away, MaxMin to MaxMax (1 to 256). Default MaxDefault (16).
	Max int
	// Lifetime is how long a token may be submitted after it was solved;
	// reCAPTCHA accepts ~120 s. Default LifetimeDefault (110 s).
	Lifetime time.Duration
	// TakeMargin is the life a token must have left to be handed out, the
	// time a lookup may need between taking it and submitting it (a pool
	// slot, the pacing gate, the page load). Default TakeMarginDefault (20 s).
	TakeMargin time.Duration
	// InitialSolve is the solve time assumed before the first solve
	// finishes. Default InitialSolveDefault (20 s, a typical reCAPTCHA).
	InitialSolve time.Duration
	// Demand reports how many lookups will ask for a token soon beyond those
	// already waiting in Take (checks due and not yet claimed), at most its
	// argument. Default nil: only callers blocked in Take count, so each
	// lookup solves its own token when it asks, as without a pipeline.
	Demand func(most int) int
	// Tick is how often the pipeline re-reads Demand and drops stale tokens.
	// Default TickDefault (250 ms).
	Tick time.Duration
	// Clock measures solves and token ages. Default: the real clock.
	Clock clockwork.Clock
	// Logger gets solve failures. Default: discards.
	Logger *slog.Logger
}

// Pace is what the pipeline needs of the pacing: the gap between two
// lookups' form posts, each spending one token.
type Pace interface{ Gap() time.Duration }

// gap is the pacing gap, 0 when unpaced.
func (c Config) gap() time.Duration {
	if c.Pacing == nil {
		return 0
	}
	return c.Pacing.Gap()
}

func (c Config) withDefaults() Config {
	if c.Max <= 0 {
		c.Max = MaxDefault
	}
	if c.Lifetime <= 0 {
		c.Lifetime = LifetimeDefault
	}
	if c.TakeMargin <= 0 {
		c.TakeMargin = TakeMarginDefault
	}
	c.TakeMargin = min(c.TakeMargin, c.Lifetime/2)
	if c.InitialSolve <= 0 {
		c.InitialSolve = InitialSolveDefault
	}
	if c.Tick <= 0 {
		c.Tick = TickDefault
	}
	if c.Clock == nil {
		c.Clock = clockwork.NewRealClock()
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return c
}

// Pipeline solves captcha tokens for one page ahead of need and hands them
// out oldest first. Safe for concurrent use; Close it to stop solving.
type Pipeline struct {
	solver captcha.Solver
	task   captcha.Task
	cfg    Config

	ctx    context.Context // cancelled by Close: stops running solves
	cancel context.CancelFunc
	kickCh chan struct{} // buffered(1): "plan again"
	solves sync.WaitGroup
	loopWG sync.WaitGroup

	mu       sync.Mutex
	closed   bool
	ready    []*Token    // solved, not taken, oldest first
	waiters  []*waiter   // callers blocked in Take, first come first served
	inFlight []time.Time // start of every running solve, oldest first
	held     int         // tokens taken and not yet ended
	want     int         // the latest plan's tokens wanted solving or ready
	est      estimator
	stats    counters

	backoff    time.Duration // next failure backoff
	pauseUntil time.Time     // no new solve before this, after a failure
	systemic   error         // a failure no solve will cure soon (key, reachability)
}

// waiter is one Take call waiting for a token or a failure.
type waiter struct{ ch chan result }

type result struct {
	tok *Token
	err error
}

// New starts a pipeline solving task with solver; it buys nothing until
// Demand or a Take asks for tokens. It refuses a cfg Validate refuses.
func New(solver captcha.Solver, task captcha.Task, cfg Config) (*Pipeline, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	p := newPipeline(solver, task, cfg)
	p.loopWG.Add(1)
	go p.loop()
	return p, nil
}

// newPipeline builds a pipeline without its planning loop, for tests that
// plan by hand.
func newPipeline(solver captcha.Solver, task captcha.Task, cfg Config) *Pipeline {
	cfg = cfg.withDefaults()
	p := &Pipeline{solver: solver, task: task, cfg: cfg, kickCh: make(chan struct{}, 1), backoff: minBackoff}
	p.est.initial = cfg.InitialSolve
	p.ctx, p.cancel = context.WithCancel(context.Background())
	return p
}

// Take returns the oldest ready token with at least TakeMargin of life
// left, waiting for one if none is ready, until ctx is done. While the
// service is refusing us (wrong key, zero balance, unreachable) it fails at
// once with that error; a failed solve fails the longest-waiting Take with
// its error. The caller ends the token with exactly one of Used, Expire or
// Return.
func (p *Pipeline) Take(ctx context.Context) (*Token, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	now := p.cfg.Clock.Now()
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil, ErrClosed
	}
	p.dropStaleLocked(now)
	if len(p.ready) > 0 {
		t := p.ready[0]
		p.ready = p.ready[1:]
		p.held++
		p.mu.Unlock()
		p.kick()
		return t, nil
	}
	if p.systemic != nil && now.Before(p.pauseUntil) {
		err := p.systemic
		p.mu.Unlock()
		return nil, err
	}
	w := &waiter{ch: make(chan result, 1)}
	p.waiters = append(p.waiters, w)
	p.mu.Unlock()
	p.kick()

	select {
	case r := <-w.ch:
		return r.tok, r.err
	case <-ctx.Done():
	}
	p.mu.Lock()
	for i, o := range p.waiters {
		if o == w {
			p.waiters = append(p.waiters[:i], p.waiters[i+1:]...)
			p.mu.Unlock()
			return nil, ctx.Err()
		}
	}
	p.mu.Unlock()
	// Served meanwhile: give the token back for the next caller.
	if r := <-w.ch; r.tok != nil {
		r.tok.Return()
	}
	return nil, ctx.Err()
}

// Close stops solving, fails waiting Takes with ErrClosed and drops the
// ready tokens (counted as wasted); it waits for running solves to stop.
func (p *Pipeline) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	p.closed = true
	p.stats.dropped += uint64(len(p.ready))
	p.ready = nil
	for _, w := range p.waiters {
		w.ch <- result{err: ErrClosed}
	}
	p.waiters = nil
	p.mu.Unlock()
	p.cancel()
	p.loopWG.Wait()
	p.solves.Wait()
	return nil
}

// kick asks the loop to plan again; it never blocks.
func (p *Pipeline) kick() {
	select {
	case p.kickCh <- struct{}{}:
	default:
	}
}

// loop plans on every kick and every Tick until Close.
func (p *Pipeline) loop() {
	defer p.loopWG.Done()
	t := p.cfg.Clock.NewTicker(p.cfg.Tick)
	defer t.Stop()
	for {
		select {
		case <-p.ctx.Done():
			return
		case <-p.kickCh:
		case <-t.Chan():
		}
		p.plan()
	}
}

// plan drops stale tokens, sizes the pipeline and starts the solves it
// lacks. Solves already running are never cancelled: they are paid for.
func (p *Pipeline) plan() {
	demand := -1
	if p.cfg.Demand != nil {
		demand = p.cfg.Demand(p.cfg.Max)
	}
	now := p.cfg.Clock.Now()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return
	}
	p.dropStaleLocked(now)
	if p.systemic != nil && now.Before(p.pauseUntil) {
		// The service refuses us: fail the waiters rather than hold them.
		for _, w := range p.waiters {
			w.ch <- result{err: p.systemic}
		}
		p.waiters = nil
	}
	need := len(p.waiters)
	if demand > 0 {
		need += demand
	}
	var oldest time.Duration
	if len(p.inFlight) > 0 {
		oldest = now.Sub(p.inFlight[0])
	}
	p.want = min(target(p.est.estimate(oldest), p.cfg.gap(), p.cfg.Max), need)
	p.want = max(p.want, min(len(p.waiters), p.cfg.Max))
	if now.Before(p.pauseUntil) {
		return
	}
	for range p.want - len(p.inFlight) - len(p.ready) {
		p.startLocked(now)
	}
}

// dropStaleLocked discards ready tokens too old to hand out, as wasted.
func (p *Pipeline) dropStaleLocked(now time.Time) {
	keep := p.ready[:0]
	for _, t := range p.ready {
		if now.Sub(t.Solved) >= p.cfg.Lifetime-p.cfg.TakeMargin {
			p.stats.expired++
			continue
		}
		keep = append(keep, t)
	}
	clear(p.ready[len(keep):])
	p.ready = keep
}
