package campaign

import (
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"github.com/padron/padron/apierrors"
	"github.com/padron/padron/schema"
)

// Bind keeps the campaign record single (no second record, no deletion),
// refreshes the cached policy version when it changes, and serves the
// manifest and the service worker.
func Bind(app core.App) {
	app.OnRecordCreateRequest(schema.CampaignCollection).BindFunc(func(e *core.RecordRequestEvent) error {
		if _, err := Load(e.App); err == nil {
			return apierrors.New(400, "campaign_exists", "La campaña ya tiene su registro: edítalo en lugar de crear otro.", nil)
		}
		return e.Next()
	})
	app.OnRecordDeleteRequest(schema.CampaignCollection).BindFunc(func(e *core.RecordRequestEvent) error {
		return apierrors.New(400, "campaign_required", "El registro de la campaña no se puede eliminar: edítalo.", nil)
	})
	app.OnRecordUpdateRequest(schema.CampaignCollection).BindFunc(checkPurgeDates)
	app.OnRecordAfterUpdateSuccess(schema.CampaignCollection).BindFunc(func(e *core.RecordEvent) error {
		forgetVersions()
		return e.Next()
	})
	app.OnRecordAfterCreateSuccess(schema.CampaignCollection).BindFunc(func(e *core.RecordEvent) error {
		forgetVersions()
		return e.Next()
	})
	app.OnTerminate().BindFunc(func(e *core.TerminateEvent) error {
		versionCache.Delete(e.App)
		return e.Next()
	})
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.GET("/manifest.webmanifest", serveManifest)
		se.Router.GET("/sw.js", serveWorker)
		return se.Next()
	})
}

// checkPurgeDates refuses a deletion scheduled before the election: the
// data is needed until the vote.
func checkPurgeDates(e *core.RecordRequestEvent) error {
	election := e.Record.GetDateTime("election_date")
	if election.IsZero() {
		return e.Next()
	}
	data := validation.Errors{}
	for _, f := range []string{"purge_evidence_at", "purge_all_at"} {
		if d := e.Record.GetDateTime(f); !d.IsZero() && !d.Time().After(election.Time()) {
			data[f] = validation.NewError("purge_before_election", "La eliminación debe programarse después de la fecha de la elección.")
		}
	}
	if len(data) > 0 {
		return e.BadRequestError("Revisa las fechas de eliminación.", data)
	}
	return e.Next()
}
