package habeas

import (
	"net/http"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/padron/padron/apierrors"
	"github.com/padron/padron/campaign"
)

// Config is what Bind needs beyond the app.
type Config struct {
	// Now is the clock the scheduled deletions and exports read. Default time.Now.
	Now func() time.Time
}

func nowUTC() time.Time { return time.Now().UTC() }

func errBadFormat() *router.ApiError {
	return apierrors.New(http.StatusBadRequest, "invalid_format", `El formato debe ser "json" o "html".`, nil)
}

// Bind binds the policy texts, a person's consents, export and withdrawal
// endpoints, the policy-acceptance header, the consents' append-only
// guard, the withdrawal a self-deletion records, and the scheduled
// deletions' cron job (every minute), which the app's termination waits
// for.
func Bind(app core.App, cfg Config) {
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	bindAppendOnly(app)
	bindSelfDeletion(app)
	gate := new(runGate)
	app.Cron().MustAdd(PurgeJobID, "* * * * *", func() {
		if !gate.enter() {
			return
		}
		defer gate.leave()
		if err := RunDuePurges(app, now()); err != nil {
			app.Logger().Error("scheduled data purge", "error", err)
		}
	})
	app.OnTerminate().BindFunc(func(e *core.TerminateEvent) error {
		gate.close()
		return e.Next()
	})
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.Bind(policyHeader())
		se.Router.GET("/api/policy", func(e *core.RequestEvent) error {
			return e.JSON(http.StatusOK, TextsFor(campaign.Read(e.App)))
		})
		se.Router.GET("/api/me/consents", getConsents)
		se.Router.POST("/api/me/consents", postConsent).Bind(apis.BodyLimit(consentBodyLimit))
		se.Router.GET("/api/me/export", getExport(now))
		return se.Next()
	})
}
