// Package routes holds Padrón's custom HTTP endpoints beside PocketBase's
// own; each file is one endpoint family, bound on OnServe.
package routes

import (
	"github.com/pocketbase/pocketbase/core"
)

// Register binds every custom endpoint to app's router when it serves.
func Register(app core.App) {
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		bindReferrals(se)
		return se.Next()
	})
}
