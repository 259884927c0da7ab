package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"

	"github.com/padron/padron/schema"
)

func init() {
	m.Register(upFairQueue, downFairQueue)
}

// upFairQueue records why each check was queued and for whom, so the worker
// serves first checks before refreshes before revalidations and lets
// requesters take turns (census.Claim). Checks already waiting are first
// checks when nobody asked for them yet, refreshes otherwise.
func upFairQueue(app core.App) error {
	info, err := app.FindCollectionByNameOrId(schema.CedulaInfoCollection)
	if err != nil {
		return err
	}
	info.Fields.Add(
		&core.SelectField{Name: "queue_kind", MaxSelect: 1, Values: []string{"first", "refresh", "revalidate"}},
		// queued_by is the worker's business (who asked), like the lease.
		&core.TextField{Name: "queued_by", Hidden: true, Max: 64},
		// claimed_at is when the worker last took the check: the requester
		// served longest ago goes next.
		&core.DateField{Name: "claimed_at", Hidden: true},
	)
	info.AddIndex("idx_cedula_info_turns", false, "queued_by, claimed_at", "")
	if err := app.Save(info); err != nil {
		return err
	}
	_, err = app.DB().NewQuery(`
		UPDATE {{cedula_info}} SET [[queue_kind]] = CASE WHEN [[requested_at]] = '' THEN 'first' ELSE 'refresh' END,
			[[queued_by]] = COALESCE((SELECT CASE WHEN [[u.referred_by]] = '' THEN [[u.id]] ELSE [[u.referred_by]] END
				FROM {{users}} [[u]] WHERE [[u.id]] = {{cedula_info}}.[[user]]), '')
		WHERE [[queue_kind]] = ''`).Execute()
	return err
}

func downFairQueue(app core.App) error {
	info, err := app.FindCollectionByNameOrId(schema.CedulaInfoCollection)
	if err != nil {
		return err
	}
	info.Fields.RemoveByName("queue_kind")
	info.Fields.RemoveByName("queued_by")
	info.Fields.RemoveByName("claimed_at")
	info.RemoveIndex("idx_cedula_info_turns")
	return app.Save(info)
}
