package server

import (
	"fmt"
	"os"

	"github.com/pocketbase/pocketbase/core"
)

// checkDataDir refuses to bootstrap on a data directory that cannot be
// written, with a message naming it, instead of SQLite's bare "unable to
// open database file (14)". Nothing in the directory is changed.
func checkDataDir(app core.App) {
	app.OnBootstrap().BindFunc(func(e *core.BootstrapEvent) error {
		if err := writable(e.App.DataDir()); err != nil {
			return fmt.Errorf("padron: the data directory %s cannot be written (%w): make it writable (or free space) and start again; nothing in it was changed", e.App.DataDir(), err)
		}
		return e.Next()
	})
}

// writable creates dir if needed and a scratch file in it, then removes it.
func writable(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".padron-write-check-")
	if err != nil {
		return err
	}
	name := f.Name()
	_ = f.Close()
	return os.Remove(name)
}
