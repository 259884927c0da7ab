// Command padron is the whole Padrón server: PocketBase with Padrón's data
// model, hooks, routes, census worker and web app. It is only a composition
// root: package server does the wiring, here and in every whole-system test.
package main

import (
	"fmt"
	"log"
	"os"

	"github.com/pocketbase/pocketbase"
	"github.com/pocketbase/pocketbase/plugins/migratecmd"
	"github.com/spf13/pflag"

	"github.com/padron/padron/cli"
	"github.com/padron/padron/config"
	"github.com/padron/padron/server"
)

func main() {
	// Never PocketBase's dev mode by default (it logs every SQL statement,
	// secrets included, whenever it guesses `go run`); --dev turns it on.
	app := pocketbase.NewWithConfig(pocketbase.Config{})
	cfg := mustLoadConfig(app.RootCmd.PersistentFlags(), os.Args[1:])

	migratecmd.MustRegister(app, app.RootCmd, migratecmd.Config{})
	exit := cli.Register(app.RootCmd, cfg)
	cli.RegisterAgents(app.RootCmd, cfg, app, exit)
	if cli.Standalone(app.RootCmd, os.Args[1:]) {
		_ = app.RootCmd.Execute() // the command prints its own errors
		os.Exit(exit.Code())
	}

	if _, err := server.Build(app, *cfg); err != nil {
		log.Fatal(err)
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
