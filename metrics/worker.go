package metrics

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/padron/padron/worker"
)

func desc(name, help string, labels ...string) *prometheus.Desc {
	return prometheus.NewDesc(namespace+"_"+name, help, labels, nil)
}

var (
	workerRunningDesc  = desc("worker_running", "1 while the census worker claims checks.")
	workerBusyDesc     = desc("worker_busy", "Checks running now.")
	workerSlotsDesc    = desc("worker_concurrency", "Checks the worker may run at once (--concurrency).")
	breakerOpenDesc    = desc("breaker_open", "1 while the block breaker pauses the worker (open or half-open probing).")
	breakerStateDesc   = desc("breaker_state", "The block breaker's state: 1 for the current one.", "state")
	breakerBlocksDesc  = desc("breaker_consecutive_blocks", "Consecutive blocks seen (the breaker opens at --breaker-threshold).")
	breakerTripsDesc   = desc("breaker_trips", "Trips in a row (each doubles the pause); a success resets it.")
	pacingUsedDesc     = desc("pacing_limit_used_ratio", "Share (0–1) of the last 10 minutes the registrar's page-load lane was in use: 1 is the pacing limit reached.")
	pacingGapDesc      = desc("pacing_gap_seconds", "The configured minimum gap between lookups (--pacing).")
	pacingLookupsDesc  = desc("pacing_window_lookups", "Page loads let through in the pacing window.")
	tokensDesc         = desc("captcha_tokens", "Captcha tokens now, by state: in_flight (solving), ready, held (taken, not submitted).", "state")
	tokensWaitingDesc  = desc("captcha_waiting_lookups", "Lookups waiting for a captcha token (above 0 the pipeline is behind).")
	tokensTargetDesc   = desc("captcha_target_tokens", "Tokens the pipeline wants solving or ready now.")
	tokensSolveDesc    = desc("captcha_solve_seconds", "The captcha service's observed solve time (moving average; 0 before the first).")
	tokensBoughtDesc   = desc("captcha_tokens_bought_total", "Captcha tokens the service solved (each is paid).")
	tokensUsedDesc     = desc("captcha_tokens_used_total", "Captcha tokens submitted to the registrar.")
	tokensWastedDesc   = desc("captcha_tokens_wasted_total", "Captcha tokens bought and never submitted, by reason: expired, dropped (at shutdown).", "reason")
	tokensRejectedDesc = desc("captcha_tokens_rejected_total", "Captcha tokens the registrar refused (reported to the service).")
	tokensFailedDesc   = desc("captcha_solves_failed_total", "Solves that brought no token.")
)

// breakerStates are the values of breaker_state's label.
var breakerStates = []string{worker.BreakerClosed, worker.BreakerOpen, worker.BreakerHalfOpen}

// workerCollector reads the worker's own status at scrape time: breaker,
// pacing and token pipeline included.
type workerCollector struct{ status func() worker.Status }

func (c *workerCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{workerRunningDesc, workerBusyDesc, workerSlotsDesc, breakerOpenDesc, breakerStateDesc,
		breakerBlocksDesc, breakerTripsDesc, pacingUsedDesc, pacingGapDesc, pacingLookupsDesc, tokensDesc, tokensWaitingDesc,
		tokensTargetDesc, tokensSolveDesc, tokensBoughtDesc, tokensUsedDesc, tokensWastedDesc, tokensRejectedDesc, tokensFailedDesc} {
		ch <- d
	}
}

func (c *workerCollector) Collect(ch chan<- prometheus.Metric) {
	st := c.status()
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	counter := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, v, labels...)
	}
	gauge(workerRunningDesc, b2f(st.Running))
	gauge(workerBusyDesc, float64(st.Busy))
	gauge(workerSlotsDesc, float64(st.Concurrency))
	gauge(breakerOpenDesc, b2f(st.Breaker.State != worker.BreakerClosed))
	for _, s := range breakerStates {
		gauge(breakerStateDesc, b2f(st.Breaker.State == s), s)
	}
	gauge(breakerBlocksDesc, float64(st.Breaker.Consecutive))
	gauge(breakerTripsDesc, float64(st.Breaker.Trips))
	if p := st.Pacing; p != nil {
		gauge(pacingUsedDesc, p.LimitUsedPercent/100)
		gauge(pacingGapDesc, p.GapSeconds)
		gauge(pacingLookupsDesc, float64(p.Lookups))
	}
	if t := st.Tokens; t != nil {
		gauge(tokensDesc, float64(t.InFlight), "in_flight")
		gauge(tokensDesc, float64(t.Ready), "ready")
		gauge(tokensDesc, float64(t.Held), "held")
		gauge(tokensWaitingDesc, float64(t.Waiting))
		gauge(tokensTargetDesc, float64(t.Target))
		gauge(tokensSolveDesc, t.SolveSeconds)
		counter(tokensBoughtDesc, float64(t.Bought))
		counter(tokensUsedDesc, float64(t.Used))
		counter(tokensWastedDesc, float64(t.Expired), "expired")
		counter(tokensWastedDesc, float64(t.Dropped), "dropped")
		counter(tokensRejectedDesc, float64(t.Rejected))
		counter(tokensFailedDesc, float64(t.Failed))
	}
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
