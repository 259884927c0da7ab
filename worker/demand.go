package worker

import "github.com/padron/padron/census"

// Demand is how many due checks the worker would claim, at most limit:
// the lookups that will ask for a captcha token beyond those already
// asking. The token pipeline buys only for these and the lookups waiting,
// so an empty queue or an open breaker buys nothing.
func (w *Worker) Demand(limit int) int {
	if !w.started.Load() || limit <= 0 {
		return 0
	}
	switch c := w.breaker.Claimable(); {
	case c == 0:
		return 0
	case c > 0:
		limit = min(limit, c)
	}
	due, err := census.CountDue(w.app, w.cfg.Clock.Now(), limit)
	if err != nil {
		w.log.Warn("count due checks for the captcha pipeline", "error", err)
		return 0
	}
	return due
}
