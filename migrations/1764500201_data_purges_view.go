package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/padron/padron/schema"
)

func init() {
	m.Register(upDataPurgesView, downDataPurgesView)
}

// dataPurgesShown are the data_purges fields the dashboard shows as the
// record's label (relation pickers, previews): what ran, for when, how much.
var dataPurgesShown = []string{"kind", "scheduled_for", "deleted", "summary"}

// upDataPurgesView makes the scheduled deletions' log readable in the
// dashboard: its fields presentable, how long each run took, newest first
// by index. Superusers only, as before.
func upDataPurgesView(app core.App) error {
	col, err := app.FindCollectionByNameOrId(schema.DataPurgesCollection)
	if err != nil {
		return err
	}
	setPresentable(col, dataPurgesShown, true)
	col.Fields.Add(&core.NumberField{Name: "duration_ms", OnlyInt: true, Min: types.Pointer(0.0)})
	col.AddIndex("idx_data_purges_created", false, "created", "")
	return app.Save(col)
}

func downDataPurgesView(app core.App) error {
	col, err := app.FindCollectionByNameOrId(schema.DataPurgesCollection)
	if err != nil {
		return err
	}
	setPresentable(col, dataPurgesShown, false)
	col.Fields.RemoveByName("duration_ms")
	col.RemoveIndex("idx_data_purges_created")
	return app.Save(col)
}

// setPresentable marks the named fields of col presentable (or not).
func setPresentable(col *core.Collection, names []string, on bool) {
	for _, name := range names {
		switch f := col.Fields.GetByName(name).(type) {
		case *core.SelectField:
			f.Presentable = on
		case *core.DateField:
			f.Presentable = on
		case *core.NumberField:
			f.Presentable = on
		case *core.TextField:
			f.Presentable = on
		}
	}
}
