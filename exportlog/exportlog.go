// Package exportlog records every export of other people's data (CSV,
// spreadsheets, lists) in the superuser-only data_exports collection: who,
// when, what and how many rows, as habeas data asks of a controller.
package exportlog

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"

	"github.com/padron/padron/schema"
)

// Record logs that auth exported rows records of what (a short English tag
// such as "referidos.csv"). Call it once the export was sent, with the rows
// actually written; a nil auth is refused, since every export has an author.
func Record(app core.App, auth *core.Record, what string, rows int) error {
	if auth == nil {
		return fmt.Errorf("export log: %s without an author", what)
	}
	col, err := app.FindCachedCollectionByNameOrId(schema.DataExportsCollection)
	if err != nil {
		return fmt.Errorf("export log: %w", err)
	}
	rec := core.NewRecord(col)
	rec.Set("actor_id", auth.Id)
	rec.Set("actor_collection", auth.Collection().Name)
	name := auth.GetString("name")
	if name == "" {
		name = auth.Email()
	}
	rec.Set("actor_name", name)
	rec.Set("what", what)
	rec.Set("rows", rows)
	if err := app.Save(rec); err != nil {
		return fmt.Errorf("export log: save %s by %s: %w", what, auth.Id, err)
	}
	return nil
}
