// Package routes holds Padrón's custom HTTP endpoints beside PocketBase's
// own; each file is one endpoint family, bound on OnServe.
package routes

import (
	"log/slog"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// Deps are what the endpoints need beyond the app; nil fields turn the
// endpoints that need them into "not available".
type Deps struct {
	// Worker reports the census worker's state; nil when it is off.
	Worker StatusReporter
	// Queue is woken after a refresh request queued checks, so they start
	// at once; nil (no worker in this process) leaves them queued in the
	// database for the next worker to claim. *worker.Worker satisfies it.
	Queue Waker
	// RefreshCooldown is the minimum time between two checks of one record
	// requested through the API. Default 30s when zero; negative turns the
	// cooldown off.
	RefreshCooldown time.Duration
	// Now is the clock cooldowns are measured on. Default time.Now.
	Now func() time.Time
	// Logger reports failures an operator must act on (a full disk).
	// Default nil: the app's logger, which lives in the data directory.
	Logger *slog.Logger
}

// DefaultRefreshCooldown is the cooldown used when Deps leaves it zero.
const DefaultRefreshCooldown = 30 * time.Second

// Register binds every custom endpoint to app's router when it serves.
func Register(app core.App, deps Deps) {
	ref := newRefresher(deps)
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.Bind(clientErrors())
		se.Router.Bind(storageErrors(deps.Logger))
		bindReferrals(se)
		bindCensusStatus(se, deps.Worker)
		bindCensusRefresh(se, ref)
		bindBulkRefresh(se, ref)
		bindReferidosStats(se)
		bindReferidosExport(se)
		bindClaims(se)
		bindOpenAPI(se)
		return se.Next()
	})
}
