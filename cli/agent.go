package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/nats-io/nats.go"
	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"

	"github.com/padron/padron/agent"
	"github.com/padron/padron/broker"
	"github.com/padron/padron/config"
	"github.com/padron/padron/pacing"
	"github.com/padron/padron/scraper"
	"github.com/padron/padron/server"
	"github.com/padron/padron/worker"
)

// refusedLine is what an agent whose key is refused prints, the one line
// an operator needs.
const refusedLine = "padron: the broker refused this agent's key (revoked or unknown): ask the server's admin for a new one (padron agent-key create NAME)"

// newAgentCmd is `padron agent [NAME]`: a lookup agent, no data directory.
func newAgentCmd(cfg *config.Config) *cobra.Command {
	return &cobra.Command{
		Use:   "agent [NAME]",
		Short: "Run census lookups for a Padrón server through its broker (PADRON_BROKER, PADRON_AGENT_KEY)",
		Long: "Connects to the broker in PADRON_BROKER (a nats:// or tls:// URL) with the key in PADRON_AGENT_KEY " +
			"(or the credentials file in PADRON_BROKER_CREDS), pulls one census check per slot (PADRON_CONCURRENCY) " +
			"and looks it up with this machine's Chromium, captcha key and pacing. NAME defaults to the host name. " +
			"Ctrl-C finishes the lookups in hand (or gives them back) and stops.",
		Args:          cobra.MaximumNArgs(1),
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			name := ""
			if len(args) == 1 {
				name = args[0]
			}
			err := runAgent(ctx, cfg, name)
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				return &ExitError{Code: ExitFailure, Err: err}
			}
			return nil
		},
	}
}

// errRefused is a refused key; its text is refusedLine.
var errRefused = errors.New(refusedLine)

func runAgent(ctx context.Context, cfg *config.Config, name string) error {
	if cfg.Broker == "" || cfg.Broker == config.BrokerEmbedded {
		return errors.New("padron: PADRON_BROKER must be the broker's URL (nats://host:4222) for an agent")
	}
	if name == "" {
		host, _ := os.Hostname()
		name = host
	}
	name = strings.Map(func(r rune) rune {
		if r == '.' || r == '*' || r == '>' || r == ' ' {
			return '-'
		}
		return r
	}, name)
	base := slog.New(slog.NewTextHandler(os.Stderr, nil))
	log := base.With("agent", name)

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var refused atomic.Bool
	opts := []nats.Option{nats.Name("padron-agent-" + name), nats.MaxReconnects(-1),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			if err != nil {
				log.Warn("disconnected from the broker; reconnecting", "error", err)
			}
		}),
		nats.ReconnectHandler(func(*nats.Conn) { log.Info("reconnected to the broker") }),
		nats.ErrorHandler(func(nc *nats.Conn, _ *nats.Subscription, err error) {
			if errors.Is(err, nats.ErrAuthorization) {
				refused.Store(true)
				cancel()
			}
		}),
		nats.ClosedHandler(func(nc *nats.Conn) {
			if errors.Is(nc.LastError(), nats.ErrAuthorization) {
				refused.Store(true)
			}
			cancel()
		}),
	}
	switch {
	case cfg.AgentKey != "":
		opts = append(opts, nats.Token(cfg.AgentKey))
	case cfg.BrokerCreds != "":
		opts = append(opts, nats.UserCredentials(cfg.BrokerCreds))
	}
	nc, err := nats.Connect(cfg.Broker, opts...)
	if errors.Is(err, nats.ErrAuthorization) {
		return errRefused
	}
	if err != nil {
		return fmt.Errorf("padron: connect to the broker %s: %w", cfg.Broker, err)
	}
	defer nc.Close()

	engCfg, err := server.EngineConfig(cfg, log.With("component", "census-engine"))
	if err != nil {
		return err
	}
	engCfg.Gate = pacing.New(cfg.Pacing, nil)
	var running atomic.Pointer[agent.Agent]
	engCfg.Tokens.Demand = func(limit int) int {
		if a := running.Load(); a != nil {
			return a.Demand(limit)
		}
		return 0
	}
	engine, err := scraper.New(engCfg)
	if err != nil {
		return fmt.Errorf("padron: census engine: %w", err)
	}
	defer engine.Close()
	br := worker.NewBreaker(cfg.BreakerThreshold, cfg.BreakerCooloff, cfg.BreakerMaxCooloff, clockwork.NewRealClock(),
		func(from, to string, cool time.Duration) {
			if to == worker.BreakerOpen {
				log.Error("block breaker open: the registrar is blocking this agent's address; not pulling checks (other agents continue)",
					"cooloff", cool.String())
			} else {
				log.Warn("block breaker "+to, "from", from)
			}
		})
	a, err := agent.New(nc, agent.Config{Name: name, Slots: cfg.Concurrency, Lookup: engine, Breaker: br,
		PacingGap: cfg.Pacing.Gap, Logger: base}) // the agent adds its name
	if err != nil {
		return err
	}
	running.Store(a)
	log.Info("lookup agent started", "broker", cfg.Broker, "slots", cfg.Concurrency, "pacing", cfg.Pacing.Gap.String())
	err = a.Run(ctx)
	if refused.Load() {
		return errRefused
	}
	if err != nil && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("padron: agent: %w", err)
	}
	log.Info("lookup agent stopped", "lookups_done", a.Status().LookupsDone)
	return nil
}

// newAgentKeyCmd is `padron agent-key create NAME`, run beside the data
// directory like `superuser upsert`.
func newAgentKeyCmd(app core.App) *cobra.Command {
	keys := &cobra.Command{Use: "agent-key", Short: "Manage lookup agents' keys for the embedded broker"}
	keys.AddCommand(&cobra.Command{
		Use:           "create NAME",
		Short:         "Create an agent key and print it (one line, shown once); revoke it in the dashboard (agent_keys)",
		Args:          cobra.ExactArgs(1),
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := app.RunAllMigrations(); err != nil {
				return fmt.Errorf("migrations: %w", err)
			}
			key, err := broker.CreateKey(app, args[0])
			if err != nil {
				fmt.Fprintln(os.Stderr, "padron:", err)
				return &ExitError{Code: ExitFailure, Err: err}
			}
			fmt.Fprintln(cmd.OutOrStdout(), key)
			return nil
		},
	})
	return keys
}

// RegisterAgents adds `agent` (standalone: no data directory) and
// `agent-key create` (on app's data directory) to root, tracked by exit.
func RegisterAgents(root *cobra.Command, cfg *config.Config, app core.App, exit *Exit) {
	run := exit.track(newAgentCmd(cfg))
	run.Annotations = standalone
	keys := newAgentKeyCmd(app)
	for _, c := range keys.Commands() {
		exit.track(c)
	}
	root.AddCommand(run, keys)
}
