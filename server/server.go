// Package server is Padrón's composition root: from one config.Config it
// binds the record hooks, the API's error answers, the API routes, the
// referidos live feed, the census worker with its lookup engine and the web
// app onto a PocketBase app, so the binary and every test of the whole
// server run the very same server.
package server

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"sync/atomic"

	"github.com/pocketbase/pocketbase/core"

	"github.com/padron/padron/apierrors"
	"github.com/padron/padron/broker"
	"github.com/padron/padron/campaign"
	"github.com/padron/padron/checkpoint"
	"github.com/padron/padron/config"
	"github.com/padron/padron/diad"
	"github.com/padron/padron/habeas"
	"github.com/padron/padron/hooks"
	"github.com/padron/padron/metrics"
	_ "github.com/padron/padron/migrations" // registers the data model
	"github.com/padron/padron/pacing"
	"github.com/padron/padron/realtimeclient"
	"github.com/padron/padron/realtimeguard"
	"github.com/padron/padron/routes"
	"github.com/padron/padron/scraper"
	"github.com/padron/padron/treerules"
	"github.com/padron/padron/webapp"
	"github.com/padron/padron/worker"
)

// Server is what Build wired, so tests and operators' tools can observe the
// running parts.
type Server struct {
	// Config is the configuration the server was built from.
	Config config.Config
	// Worker runs the census checks; nil when Config.Worker is false or
	// WithoutWorker was given; the caller's own with WithWorker.
	Worker *worker.Worker
	// Engine looks cédulas up on the registrar; nil unless Build made the
	// worker. Chromium starts only with its first lookup.
	Engine *scraper.Engine
	// Metrics is what /metrics serves.
	Metrics *metrics.Metrics
	// Broker hands the worker's lookups to agents; nil without
	// Config.Broker.
	Broker *broker.Remote
}

// Build binds Padrón onto app as cfg says, changed by opts (tests only;
// the binary passes none). The worker Build makes starts when app serves
// and stops (letting in-flight checks finish) when it terminates; other
// commands (superuser, migrate) never start it; one given WithWorker is
// run by its caller. cfg must be valid
// (config.Config.Validate). Build is the only place the record hooks are
// registered, so every test of the whole server runs the binary's wiring.
func Build(app core.App, cfg config.Config, opts ...Option) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	s := &Server{Config: cfg}
	checkDataDir(app)
	log := slog.New(newAppLogHandler(app, os.Stderr))

	deps := routes.Deps{RefreshCooldown: cfg.RefreshCooldown, RefreshDailyLimit: cfg.RefreshDailyLimit, Now: o.now}
	switch {
	case o.worker != nil:
		s.Worker = o.worker
	case cfg.Worker && !o.noWorker && cfg.Broker != "":
		if err := s.buildBrokerWorker(app, log); err != nil {
			return nil, err
		}
	case cfg.Worker && !o.noWorker:
		if err := s.buildWorker(app, log); err != nil {
			return nil, err
		}
	}
	var queue hooks.Waker
	if w := s.Worker; w != nil {
		queue, deps.Queue = w, w
		deps.Worker = routes.StatusFunc(func() any { return w.Status() })
		if b := s.Broker; b != nil {
			deps.Worker = routes.StatusFunc(func() any {
				return brokerStatus{Status: w.Status(), Broker: b.Status(context.Background())}
			})
		}
	}
	if o.waker != nil {
		deps.Queue = o.waker
	}
	hooks.Register(app, queue)
	diad.Bind(app, diad.Config{Now: o.now})
	if err := realtimeguard.Bind(app, realtimeguard.Config{
		MaxSubscriptions: cfg.RealtimeMaxSubscriptions,
		MaxPerIP:         cfg.RealtimeMaxPerIP,
		MaxPerUser:       cfg.RealtimeMaxPerUser,
	}); err != nil {
		return nil, err
	}
	checkpoint.Bind(app)
	treerules.Bind(app)
	treerules.BindList(app)
	realtimeclient.Bind(app)
	apierrors.Bind(app, log)
	if err := routes.Register(app, deps); err != nil {
		return nil, err
	}
	routes.BindReferidosLive(app)
	routes.BindRedLive(app)
	routes.BindDiaDLive(app)
	if err := bindOperations(app, s); err != nil {
		return nil, err
	}
	campaign.Bind(app)
	habeas.Bind(app, habeas.Config{Now: o.now})
	webapp.Serve(app, cfg.PublicDir)

	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		noInstaller(se)
		for _, w := range cfg.Warnings(exec.LookPath) {
			warnAtStart(se.App, w)
		}
		return se.Next()
	})
	return s, nil
}

// buildWorker makes the lookup engine, paced by the worker's gate, and the
// worker, bound to the app's serve/terminate.
func (s *Server) buildWorker(app core.App, log *slog.Logger) error {
	engCfg, err := EngineConfig(&s.Config, log.With("component", "census-engine"))
	if err != nil {
		return err
	}
	// One gate paces the engine's requests, sizes its token pipeline and
	// shows in the worker's status.
	gate := pacing.New(s.Config.Pacing, nil)
	engCfg.Gate = gate
	// The token pipeline buys captchas for the due checks the worker would
	// claim, read from the database: the engine needs no worker.
	// Only while the app serves: before, its migrations may not have run
	// (the tables are not there); after, its database is closing.
	demand := worker.Demand(app, nil, log.With("component", "census-engine"))
	var serving atomic.Bool
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		serving.Store(true)
		return se.Next()
	})
	app.OnTerminate().BindFunc(func(e *core.TerminateEvent) error {
		serving.Store(false)
		return e.Next()
	})
	engCfg.Tokens.Demand = func(limit int) int {
		if !serving.Load() {
			return 0
		}
		return demand(limit)
	}
	engine, err := scraper.New(engCfg)
	if err != nil {
		return fmt.Errorf("census engine: %w", err)
	}
	wcfg := WorkerConfig(&s.Config, log)
	wcfg.Pacing, wcfg.Tokens = gate, engine
	w, err := worker.New(app, engine, wcfg)
	if err != nil {
		return fmt.Errorf("census worker: %w", err)
	}
	w.Bind(app, engine)
	s.Worker, s.Engine = w, engine
	return nil
}

// brokerStatus is the worker's status with the broker's queue and agents.
type brokerStatus struct {
	worker.Status
	Broker broker.Status `json:"broker"`
}
