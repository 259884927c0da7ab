// Command padron is the whole Padrón server: PocketBase with Padrón's data
// model, hooks, routes and census worker. It is only a composition root.
package main

import (
	"log"
	"os"
	"os/exec"

	"github.com/pocketbase/pocketbase"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/plugins/migratecmd"

	"github.com/padron/padron/config"
	"github.com/padron/padron/hooks"
	_ "github.com/padron/padron/migrations"
	"github.com/padron/padron/routes"
)

func main() {
	app := pocketbase.New()

	cfg := config.Default()
	cfg.Bind(app.RootCmd.PersistentFlags(), os.Getenv)
	_ = app.RootCmd.ParseFlags(os.Args[1:]) // eager, like PocketBase's own flags
	if err := cfg.Validate(); err != nil {
		log.Fatal(err)
	}

	migratecmd.MustRegister(app, app.RootCmd, migratecmd.Config{})

	hooks.Register(app, nil)
	routes.Register(app, routes.Deps{})
	routes.ServePublic(app, cfg.PublicDir)

	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		cfg.LogWarnings(se.App.Logger(), exec.LookPath)
		return se.Next()
	})

	if err := app.Start(); err != nil {
		log.Fatal(err)
	}
}
