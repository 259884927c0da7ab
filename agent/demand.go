package agent

import (
	"context"
	"time"

	"github.com/padron/padron/worker"
)

// demandFresh is how old the queue's waiting count may be when Demand
// answers from it; a newer one is asked for in the background.
const demandFresh = time.Second

// Demand is the agent's captcha token pipeline demand (tokens.Config.Demand),
// as the in-process worker's is its due checks: the checks waiting in the
// broker's queue, which this agent pulls as its slots free, at most limit.
// Buying their tokens ahead keeps the pacing gate, not the captcha
// service, the agent's limit. An open breaker buys nothing; a half-open
// one buys only the probe's token. It never blocks: the count is read in
// the background, at most every demandFresh.
func (a *Agent) Demand(limit int) int {
	if limit <= 0 {
		return 0
	}
	switch a.cfg.Breaker.Status().State {
	case worker.BreakerOpen:
		return 0
	case worker.BreakerHalfOpen:
		if a.InFlight() > 0 {
			return 0
		}
		limit = 1
	}
	a.refreshWaiting()
	return int(min(uint64(limit), a.waiting.Load()))
}

// refreshWaiting asks the broker for the queue's waiting count, unless it
// is fresh or being asked already.
func (a *Agent) refreshWaiting() {
	cons := a.cons.Load()
	if cons == nil || time.Since(time.Unix(0, a.waitingAt.Load())) < demandFresh || !a.asking.CompareAndSwap(false, true) {
		return
	}
	go func() {
		defer a.asking.Store(false)
		ctx, cancel := context.WithTimeout(context.Background(), demandFresh)
		defer cancel()
		info, err := (*cons).Info(ctx)
		if err != nil {
			a.log.Debug("read the queue's waiting count", "error", err)
			return
		}
		a.waiting.Store(info.NumPending)
		a.waitingAt.Store(time.Now().UnixNano())
	}()
}
