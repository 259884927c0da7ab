package worker

import (
	"context"
	"io"

	"github.com/pocketbase/pocketbase/core"
)

// Bind ties the worker to the app's life: it starts when the app serves (not
// when other commands run) and on terminate stops claiming, lets in-flight
// checks finish, releases the rest, then closes lookup (the browser).
func (w *Worker) Bind(app core.App, lookup io.Closer) {
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		if err := w.Start(); err != nil {
			return err
		}
		return se.Next()
	})
	app.OnTerminate().BindFunc(func(e *core.TerminateEvent) error {
		if err := w.Stop(context.Background()); err != nil {
			w.log.Error("census worker stop", "error", err)
		}
		if lookup != nil {
			if err := lookup.Close(); err != nil {
				w.log.Error("close census engine", "error", err)
			}
		}
		return e.Next()
	})
}
