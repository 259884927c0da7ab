package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/padron/padron/schema"
)

func init() {
	m.Register(upCensusQueue, downCensusQueue)
}

// upCensusQueue adds the queue's lease to cedula_info (hidden: it is the
// worker's business) and the attempt history with its evidence files.
func upCensusQueue(app core.App) error {
	info, err := app.FindCollectionByNameOrId(schema.CedulaInfoCollection)
	if err != nil {
		return err
	}
	info.Fields.Add(
		&core.TextField{Name: "lease_owner", Hidden: true, Max: 64},
		&core.DateField{Name: "lease_until", Hidden: true},
		&core.DateField{Name: "requested_at"},
	)
	info.AddIndex("idx_cedula_info_lease", false, "status, lease_until", "")
	info.AddIndex("idx_cedula_info_fetched", false, "status, fetched_at", "")
	if err := app.Save(info); err != nil {
		return err
	}

	attempts := core.NewBaseCollection(schema.AttemptsCollection)
	// All rules nil: superusers only (dashboard and API).
	attempts.Fields.Add(
		&core.RelationField{Name: "user", CollectionId: info.Fields.GetByName("user").(*core.RelationField).CollectionId, Required: true, MaxSelect: 1, CascadeDelete: true},
		&core.TextField{Name: "cedula", Max: 10},
		&core.NumberField{Name: "attempt", OnlyInt: true, Min: types.Pointer(1.0)},
		&core.TextField{Name: "source", Max: 20},
		// outcome is the registrar's answer (found, not_found, ...) or the
		// error class (blocked, timeout, captcha, captcha_config,
		// captcha_unreachable, transient, site_changed, canceled).
		&core.TextField{Name: "outcome", Required: true, Max: 40},
		&core.BoolField{Name: "success"},
		&core.NumberField{Name: "duration_ms", OnlyInt: true},
		&core.TextField{Name: "message", Max: 4000},
		&core.TextField{Name: "signature", Max: 200},
		&core.TextField{Name: "raw_response"},
		&core.FileField{Name: "evidence_html", MaxSelect: 1, MaxSize: 5 << 20},
		&core.FileField{Name: "evidence_screenshot", MaxSelect: 1, MaxSize: 10 << 20},
		// started_at is stamped by the worker's clock; retention and the
		// evidence window are measured on it.
		&core.DateField{Name: "started_at", Required: true},
		&core.AutodateField{Name: "created", OnCreate: true},
	)
	attempts.AddIndex("idx_census_attempts_user", false, "user, started_at", "")
	attempts.AddIndex("idx_census_attempts_started", false, "started_at", "")
	attempts.AddIndex("idx_census_attempts_signature", false, "signature, started_at", "")
	return app.Save(attempts)
}

func downCensusQueue(app core.App) error {
	if attempts, err := app.FindCollectionByNameOrId(schema.AttemptsCollection); err == nil {
		if err := app.Delete(attempts); err != nil {
			return err
		}
	}
	info, err := app.FindCollectionByNameOrId(schema.CedulaInfoCollection)
	if err != nil {
		return err
	}
	for _, f := range []string{"lease_owner", "lease_until", "requested_at"} {
		info.Fields.RemoveByName(f)
	}
	info.RemoveIndex("idx_cedula_info_lease")
	info.RemoveIndex("idx_cedula_info_fetched")
	return app.Save(info)
}
