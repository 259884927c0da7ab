package pacing

import (
	"context"
	"fmt"
	"time"

	"github.com/jonboulle/clockwork"
)

// Lane names the kind of request a Gate paces: each kind keeps the gap
// from requests of its own kind only, so one lookup's page load may go
// while another's form post is answered.
type Lane int

// The lanes of a lookup: its page load, then its form post.
const (
	PageLoad Lane = iota
	FormPost
)

// String names the lane for logs and traces.
func (l Lane) String() string {
	switch l {
	case PageLoad:
		return "page"
	case FormPost:
		return "post"
	}
	return fmt.Sprintf("lane(%d)", int(l))
}

// Gate paces the requests of every lookup to the registrar: no two page
// loads, and no two form posts, reach the site closer than the gap (less
// 1/WireSlack, see WireSlack). It implements scraper.Gate, gives the token
// pipeline its gap and reports the share of the allowance used. Safe for
// concurrent use; a nil Gate lets everything through.
type Gate struct {
	cfg   Config
	clock clockwork.Clock
	lanes [2]*lane
}

// New builds the gate for cfg; clock may be nil (real time). cfg must be
// valid (Config.Validate).
func New(cfg Config, clock clockwork.Clock) *Gate {
	if clock == nil {
		clock = clockwork.NewRealClock()
	}
	g := &Gate{cfg: cfg, clock: clock}
	for i := range g.lanes {
		g.lanes[i] = &lane{cfg: cfg, clock: clock}
	}
	return g
}

// Config is the rule the gate paces with.
func (g *Gate) Config() Config {
	if g == nil {
		return Config{}
	}
	return g.cfg
}

// Gap is the least time between two requests of one lane (jitter aside):
// the pace at which lookups may consume captcha tokens. 0 when unpaced.
func (g *Gate) Gap() time.Duration {
	if g == nil {
		return 0
	}
	return g.cfg.Gap
}

// Wait blocks until a request of lane l may go to the site, or until ctx
// is done. The caller sends the request at once, and calls the returned
// done exactly when the request's answer came back, or when it knows the
// request will never reach the site (its page closed); calling it again
// does nothing. The next request of the lane goes no sooner than a gap
// after this one was let go and a gap less 1/WireSlack after done. A
// caller that gives up does not shorten the gap between its neighbours.
func (g *Gate) Wait(ctx context.Context, l Lane) (done func(), err error) {
	if g == nil {
		return func() {}, ctx.Err()
	}
	if l != PageLoad && l != FormPost {
		return nil, fmt.Errorf("pacing: unknown %s", l)
	}
	return g.lanes[l].wait(ctx)
}

// WaitAhead is Wait in two steps, for a request built during the gap: it
// takes the caller's place in lane l's line now and returns once the turn
// is at most lead away, so the caller builds its request (its page, its
// filled form, its captcha token) meanwhile and holds it where it is about
// to leave; Ahead.Release then blocks until the turn itself. The request
// so leaves at the gap's boundary, and the time spent building it no
// longer widens the gap. A nil or unpaced Gate returns at once.
func (g *Gate) WaitAhead(ctx context.Context, l Lane, lead time.Duration) (*Ahead, error) {
	if g == nil {
		return &Ahead{}, ctx.Err()
	}
	if l != PageLoad && l != FormPost {
		return nil, fmt.Errorf("pacing: unknown %s", l)
	}
	return g.lanes[l].ahead(ctx, lead)
}
