package server

import (
	"context"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/padron/padron/agent"
	"github.com/padron/padron/broker"
	"github.com/padron/padron/pacing"
	"github.com/padron/padron/scraper"
	"github.com/padron/padron/worker"
)

// brokerCheckTimeout bounds one attempt handed to an agent, queueing
// included, longer than in process: the check may wait for a free agent.
const brokerCheckTimeout = 15 * time.Minute

// BrokerConfig translates the settings into the broker's.
func BrokerConfig(c *Server, log *slog.Logger) broker.Config {
	return broker.Config{
		URL:     c.Config.Broker,
		Listen:  c.Config.BrokerListen,
		TLSCert: c.Config.BrokerTLSCert,
		TLSKey:  c.Config.BrokerTLSKey,
		Creds:   c.Config.BrokerCreds,
		Source:  c.Config.Source,
		Logger:  log,
	}
}

// buildBrokerWorker wires the census worker to hand its lookups to agents
// through the broker: the worker still claims, retries and stores every
// check; the broker starts before it and closes after it.
func (s *Server) buildBrokerWorker(app core.App, log *slog.Logger) error {
	remote := broker.NewRemote(app, BrokerConfig(s, log))
	lean := !s.Config.LooksUp()
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		if err := remote.Start(context.Background()); err != nil {
			return fmt.Errorf("census broker: %w", err)
		}
		if lean {
			leanGC(log)
		}
		return se.Next()
	})
	wcfg := WorkerConfig(&s.Config, log)
	wcfg.AgentBreakers = true
	wcfg.CheckTimeout = brokerCheckTimeout
	w, err := worker.New(app, remote, wcfg)
	if err != nil {
		return fmt.Errorf("census worker: %w", err)
	}
	if s.Config.LooksUp() {
		if err := s.bindLocalAgent(app, remote, log); err != nil {
			return err
		}
	}
	w.Bind(app, remote)
	s.Worker, s.Broker = w, remote
	return nil
}

// bindLocalAgent runs an agent inside the server (PADRON_WORKER=true with a
// broker): it starts once the worker serves and stops before it.
func (s *Server) bindLocalAgent(app core.App, remote *broker.Remote, log *slog.Logger) error {
	engCfg, err := EngineConfig(&s.Config, log.With("component", "census-engine"))
	if err != nil {
		return err
	}
	gate := pacing.New(s.Config.Pacing, nil)
	engCfg.Gate = gate
	var running atomic.Pointer[agent.Agent]
	engCfg.Tokens.Demand = func(limit int) int {
		if a := running.Load(); a != nil {
			return a.Demand(limit)
		}
		return 0
	}
	engine, err := scraper.New(engCfg)
	if err != nil {
		return fmt.Errorf("census engine: %w", err)
	}
	s.Engine = engine
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		if err := se.Next(); err != nil {
			return err
		}
		nc, err := remote.Connect("padron-server-agent")
		if err != nil {
			return fmt.Errorf("local lookup agent: %w", err)
		}
		a, err := agent.New(nc, agent.Config{Name: "server", Slots: s.Config.Concurrency, Lookup: engine,
			PacingGap: s.Config.Pacing.Gap, Logger: log.With("component", "census-agent")})
		if err != nil {
			nc.Close()
			return err
		}
		running.Store(a)
		go func() {
			defer close(stopped)
			defer nc.Close()
			if err := a.Run(ctx); err != nil {
				log.Error("local lookup agent", "error", err)
			}
		}()
		return nil
	})
	app.OnTerminate().BindFunc(func(e *core.TerminateEvent) error {
		cancel()
		if running.Load() != nil {
			<-stopped
		}
		if err := engine.Close(); err != nil {
			log.Error("close census engine", "error", err)
		}
		return e.Next()
	})
	return nil
}
