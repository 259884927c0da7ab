package fakecaptcha

import (
	mrand "math/rand/v2"
	"net/http"
)

// Chaos makes the service err at random, as a real one does under load:
// some requests answer HTTP 500 and some tasks turn out unsolvable. Draws
// follow the seed in the order requests arrive.
type Chaos struct {
	// Seed makes a run reproducible for a given arrival order. Default 0.
	Seed uint64
	// Rate is the share of requests answered HTTP 500, and separately the
	// share of accepted tasks that end ERROR_CAPTCHA_UNSOLVABLE, from 0 to
	// 1. Default 0: DefaultChaosRate.
	Rate float64
}

// DefaultChaosRate is Chaos.Rate's default.
const DefaultChaosRate = 0.1

// ChaosCounts is what chaos mode did, for a test's report.
type ChaosCounts struct {
	Errors     int // requests answered HTTP 500
	Unsolvable int // tasks made unsolvable
}

// chaosState is the draw and its counts; guarded by Server.mu.
type chaosState struct {
	rnd    *mrand.Rand
	counts ChaosCounts
}

// newChaos returns the state for cfg, nil without chaos mode.
func newChaos(cfg *Chaos) (*Chaos, *chaosState) {
	if cfg == nil {
		return nil, nil
	}
	c := *cfg
	if c.Rate <= 0 {
		c.Rate = DefaultChaosRate
	}
	c.Rate = min(c.Rate, 1)
	return &c, &chaosState{rnd: mrand.New(mrand.NewPCG(c.Seed, 0x9e3779b97f4a7c15))}
}

// draw reports whether chaos strikes now, counting it in *n; s.mu must be held.
func (s *Server) draw(n *int) bool {
	if s.chaos == nil || s.chaos.rnd.Float64() >= s.cfg.Chaos.Rate {
		return false
	}
	*n++
	return true
}

// chaosError answers HTTP 500 when chaos strikes this request.
func (s *Server) chaosError(w http.ResponseWriter) bool {
	s.mu.Lock()
	fail := s.chaos != nil && s.draw(&s.chaos.counts.Errors)
	s.mu.Unlock()
	if fail {
		http.Error(w, "Internal Server Error", http.StatusInternalServerError)
	}
	return fail
}

// Chaos returns what chaos mode did so far (zero without it).
func (s *Server) Chaos() ChaosCounts {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.chaos == nil {
		return ChaosCounts{}
	}
	return s.chaos.counts
}
