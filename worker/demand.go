package worker

import "github.com/padron/padron/census"

// Demand is how many lookups will want a captcha token soon, at most limit:
// the checks running now plus the due ones the breaker lets the worker
// claim. The token pipeline buys only for these, so an empty queue or an
// open breaker buys nothing.
func (w *Worker) Demand(limit int) int {
	n := w.cfg.Concurrency - len(w.slots)
	if !w.started.Load() || n >= limit {
		return min(n, limit)
	}
	room := limit - n
	switch c := w.breaker.Claimable(); {
	case c == 0:
		return n
	case c > 0:
		room = min(room, c)
	}
	due, err := census.CountDue(w.app, w.cfg.Clock.Now(), room)
	if err != nil {
		w.log.Warn("count due checks for the captcha pipeline", "error", err)
		return n
	}
	return n + due
}
