package tokens

// counters are the pipeline's running totals.
type counters struct {
	started, bought, used, expired, dropped, rejected, failed uint64
	lastErr                                                   string
}

// Status is the pipeline's state for the operator: what is bought ahead,
// what was wasted, and how fast the service solves.
type Status struct {
	// InFlight are solves running at the service; Ready are tokens solved
	// and not taken; Held are tokens taken by lookups not yet submitted.
	InFlight int `json:"in_flight"`
	Ready    int `json:"ready"`
	Held     int `json:"held"`
	// Waiting are lookups waiting for a token: the pipeline is behind.
	Waiting int `json:"waiting"`
	// Target is how many tokens the latest plan wanted solving or ready.
	Target int `json:"target"`
	// Max is the configured bound on tokens solving or ready.
	Max int `json:"max"`
	// SolveSeconds is the observed solve time (a moving average; 0 before
	// the first solve finished).
	SolveSeconds float64 `json:"solve_seconds"`
	// Bought are tokens the service solved; Used were submitted to the
	// site; Expired grew too old to submit; Dropped were ready or returned
	// at shutdown; Rejected were refused by the site (and reported).
	Bought   uint64 `json:"bought"`
	Used     uint64 `json:"used"`
	Expired  uint64 `json:"expired"`
	Dropped  uint64 `json:"dropped"`
	Rejected uint64 `json:"rejected"`
	// Failed are solves that brought no token; LastError is the latest.
	Failed    uint64 `json:"failed"`
	LastError string `json:"last_error,omitempty"`
	// WastePercent is Expired and Dropped as a share of Bought.
	WastePercent float64 `json:"waste_percent"`
}

// Status reports the pipeline's state now.
func (p *Pipeline) Status() Status {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := Status{
		InFlight: len(p.inFlight), Ready: len(p.ready), Held: p.held, Waiting: len(p.waiters), Target: p.want, Max: p.cfg.Max,
		SolveSeconds: p.est.ewma.Seconds(),
		Bought:       p.stats.bought, Used: p.stats.used, Expired: p.stats.expired, Dropped: p.stats.dropped,
		Rejected: p.stats.rejected, Failed: p.stats.failed, LastError: p.stats.lastErr,
	}
	if s.Bought > 0 {
		s.WastePercent = 100 * float64(s.Expired+s.Dropped) / float64(s.Bought)
	}
	return s
}
