package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/padron/padron/schema"
)

func init() {
	m.Register(upCensusBreaker, downCensusBreaker)
}

// upCensusBreaker adds the breaker's table; superusers only (all rules nil).
func upCensusBreaker(app core.App) error {
	col := core.NewBaseCollection(schema.BreakerCollection)
	col.Fields.Add(
		&core.SelectField{Name: "state", Required: true, MaxSelect: 1, Values: []string{"closed", "open", "half_open"}},
		&core.NumberField{Name: "consecutive_blocks", OnlyInt: true, Min: types.Pointer(0.0)},
		&core.NumberField{Name: "trips", OnlyInt: true, Min: types.Pointer(0.0)},
		&core.DateField{Name: "open_until"},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	)
	return app.Save(col)
}

func downCensusBreaker(app core.App) error {
	col, err := app.FindCollectionByNameOrId(schema.BreakerCollection)
	if err != nil {
		return nil
	}
	return app.Delete(col)
}
