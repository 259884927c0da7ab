// Command padron is the whole Padrón server: PocketBase with Padrón's data
// model, hooks, routes and census worker. It is only a composition root.
package main

import (
	"fmt"
	"log"
	"log/slog"
	"os"
	"os/exec"

	"github.com/pocketbase/pocketbase"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/plugins/migratecmd"
	"github.com/spf13/pflag"

	"github.com/padron/padron/cli"
	"github.com/padron/padron/config"
	"github.com/padron/padron/hooks"
	_ "github.com/padron/padron/migrations"
	"github.com/padron/padron/routes"
	"github.com/padron/padron/scraper"
	"github.com/padron/padron/worker"
)

func main() {
	app := pocketbase.New()

	cfg := mustLoadConfig(app.RootCmd.PersistentFlags(), os.Args[1:])

	migratecmd.MustRegister(app, app.RootCmd, migratecmd.Config{})
	exit := cli.Register(app.RootCmd, cfg)

	deps := routes.Deps{}
	var queue hooks.Enqueuer
	if cfg.Worker {
		w, err := newCensusWorker(app, cfg)
		if err != nil {
			log.Fatal(err)
		}
		queue, deps.Worker = w, w
	}
	hooks.Register(app, queue)
	routes.Register(app, deps)
	routes.ServePublic(app, cfg.PublicDir)

	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		cfg.LogWarnings(se.App.Logger(), exec.LookPath)
		return se.Next()
	})

	if cli.Standalone(app.RootCmd, os.Args[1:]) {
		_ = app.RootCmd.Execute() // the command prints its own errors
		os.Exit(exit.Code())
	}
	if err := app.Start(); err != nil {
		log.Fatal(err)
	}
	os.Exit(exit.Code()) // PocketBase discards command errors
}

// mustLoadConfig reads Padrón's settings from the environment and args
// (eagerly, like PocketBase's own flags); a value that does not parse or is
// out of range stops the binary with exit code 2 and one line naming it.
func mustLoadConfig(fs *pflag.FlagSet, args []string) *config.Config {
	cfg, err := config.Load(fs, args, os.Getenv)
	if err != nil {
		fmt.Fprintf(os.Stderr, "padron: %v\n", err)
		os.Exit(cli.ExitUsage)
	}
	return cfg
}

// newCensusWorker builds the lookup engine (Chromium starts lazily), paced
// by the worker's gate, and binds the worker to the app's serve/terminate.
func newCensusWorker(app core.App, cfg *config.Config) (*worker.Worker, error) {
	engCfg, err := cfg.EngineConfig(slog.Default())
	if err != nil {
		return nil, err
	}
	engCfg.Gate = worker.NewPacer(cfg.Pacing, cfg.PacingJitter, nil)
	engine, err := scraper.New(engCfg)
	if err != nil {
		return nil, err
	}
	w, err := worker.New(app, engine, cfg.WorkerConfig(nil))
	if err != nil {
		return nil, err
	}
	w.Bind(app, engine)
	return w, nil
}
