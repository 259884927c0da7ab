// Package routes holds Padrón's custom HTTP endpoints beside PocketBase's
// own; each file is one endpoint family, bound on OnServe.
package routes

import (
	"github.com/pocketbase/pocketbase/core"
)

// Deps are what the endpoints need beyond the app; nil fields turn the
// endpoints that need them into "not available".
type Deps struct {
	// Worker reports the census worker's state; nil when it is off.
	Worker StatusReporter
}

// Register binds every custom endpoint to app's router when it serves.
func Register(app core.App, deps Deps) {
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		bindReferrals(se)
		bindCensusStatus(se, deps.Worker)
		return se.Next()
	})
}
