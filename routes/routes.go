// Package routes holds Padrón's custom HTTP endpoints beside PocketBase's
// own, each file one endpoint family bound on OnServe, and the referidos
// view's realtime feed; all of them ask the collections' own rules.
package routes

import (
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
	// requested through the API, RefreshCooldownMin to RefreshCooldownMax
	// (1s to 24h). Default RefreshCooldownDefault (30s); RefreshCooldownOff
	// turns the cooldown off.
	RefreshCooldown time.Duration
	// RefreshDailyLimit is how many times a day a member may ask for a new
	// check of their own record, RefreshDailyLimitMin to
	// RefreshDailyLimitMax. Default RefreshDailyLimitDefault (5).
	RefreshDailyLimit int
	// Now is the clock cooldowns are measured on. Default time.Now.
	Now func() time.Time
}

// Register binds every custom endpoint to app's router when it serves; it
// refuses deps that Validate refuses.
func Register(app core.App, deps Deps) error {
	if err := deps.Validate(); err != nil {
		return err
	}
	ref := newRefresher(deps)
	red := redAPI{now: deps.Now}
	if red.now == nil {
		red.now = time.Now
	}
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		bindReferrals(se)
		bindCensusStatus(se, deps.Worker)
		bindCensusQueue(se, ref)
		bindCensusRefresh(se, ref)
		bindBulkRefresh(se, ref)
		bindReferidosStats(se)
		bindReferidosExport(se)
		bindDiaDLists(se)
		bindDiaDMesa(se)
		bindDiaDCoverage(se)
		bindDiaDResults(se)
		bindClaims(se)
		red.bindNodes(se)
		red.bindSubtree(se)
		red.bindStats(se)
		red.bindRanking(se)
		red.bindSearch(se)
		red.bindMove(se)
		red.bindRole(se)
		red.bindGoals(se)
		bindOpenAPI(se)
		return se.Next()
	})
	return nil
}
