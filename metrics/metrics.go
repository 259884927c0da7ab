// Package metrics serves /metrics in Prometheus' text format, so an operator
// notices that census checks stopped, the registrar blocks us or the disk
// fills before election day: most figures are read at scrape time from the
// parts that already keep them (the worker's status, the token pipeline,
// the database, the realtime broker, /proc); the few events nothing counts
// (registrations, logins, lookups, requests, backups) are counted here. No
// label or value carries a cédula, a name or a phone.
package metrics

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/padron/padron/worker"
)

// Path is where the metrics are served.
const Path = "/metrics"

// namespace prefixes every Padrón metric.
const namespace = "padron"

// Config says who may read the metrics and where the worker's figures come
// from.
type Config struct {
	// Allow is the addresses that may read the metrics without signing in,
	// as ParseAllow reads them: IPs and CIDRs, comma-separated, or AllowNone
	// (superusers only). Default "" means AllowDefault (loopback).
	// Superusers may always read them.
	Allow string
	// Worker reports the census worker's state (worker.Worker.Status). Nil
	// when the process runs no worker: its metrics are left out.
	Worker func() worker.Status
	// ProcRoot is where /proc is read for Chromium's processes. Default
	// "/proc".
	ProcRoot string
}

// Metrics is one server's registry: its collectors and counters.
type Metrics struct {
	reg    *prometheus.Registry
	events *events
	allow  allowList
}

// Bind registers the metrics of app on a registry of its own, counts the
// events app's hooks see, measures every request app serves by route family,
// and serves Path to superusers and the allowed addresses.
func Bind(app core.App, cfg Config) (*Metrics, error) {
	allow, err := ParseAllow(cfg.Allow)
	if err != nil {
		return nil, err
	}
	if cfg.ProcRoot == "" {
		cfg.ProcRoot = "/proc"
	}
	m := &Metrics{reg: prometheus.NewRegistry(), events: newEvents(), allow: allow}
	trace := newRealtimeTrace()
	m.reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.events,
		trace,
		&censusCollector{app: app},
		&realtimeCollector{app: app},
		&chromiumCollector{proc: cfg.ProcRoot},
		&diskCollector{app: app},
	)
	if cfg.Worker != nil {
		m.reg.MustRegister(&workerCollector{status: cfg.Worker})
	}
	m.events.bind(app)
	trace.bind(app)
	handler := promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.Bind(m.events.requestTimer())
		se.Router.GET(Path, func(e *core.RequestEvent) error {
			if err := m.authorize(e); err != nil {
				return err
			}
			e.Response.Header().Set("Cache-Control", "no-store")
			handler.ServeHTTP(e.Response, e.Request)
			return nil
		})
		m.events.seedLastBackup(se.App)
		return se.Next()
	})
	return m, nil
}

// Gatherer is the registry, for tests and embedding.
func (m *Metrics) Gatherer() prometheus.Gatherer { return m.reg }
