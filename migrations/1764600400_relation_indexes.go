package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"

	"github.com/padron/padron/schema"
)

func init() {
	m.Register(upRelationIndexes, downRelationIndexes)
}

// relationIndexes are plain indexes on the single relations that had none
// (or only a partial one, which a lookup by the column alone cannot use).
// Deleting a person, a testigo or an election makes PocketBase find each
// referrer by that column ("WHERE user = ?"); without these, deleting one
// person scanned vote_marks, testigos and e14_reports whole, which the
// post-election purge does once per person.
var relationIndexes = []struct{ collection, name, column string }{
	{schema.VoteMarksCollection, "idx_vote_marks_user", "user"},
	{schema.TestigosCollection, "idx_testigos_user_any", "user"},
	{schema.TestigosCollection, "idx_testigos_election", "election"},
	{schema.TestigosCollection, "idx_testigos_assigned_by", "assigned_by"},
	{schema.E14Collection, "idx_e14_testigo", "testigo"},
	{schema.E14Collection, "idx_e14_reported_by", "reported_by"},
	{schema.ClaimsCollection, "idx_cedula_claims_new_user", "new_user"},
}

func upRelationIndexes(app core.App) error {
	return eachRelationIndex(app, func(col *core.Collection, name, column string) {
		col.AddIndex(name, false, column, "")
	})
}

func downRelationIndexes(app core.App) error {
	return eachRelationIndex(app, func(col *core.Collection, name, _ string) {
		col.RemoveIndex(name)
	})
}

// eachRelationIndex applies change to every relationIndexes entry and saves
// each collection once.
func eachRelationIndex(app core.App, change func(col *core.Collection, name, column string)) error {
	cols := map[string]*core.Collection{}
	var order []string
	for _, ri := range relationIndexes {
		col, ok := cols[ri.collection]
		if !ok {
			var err error
			col, err = app.FindCollectionByNameOrId(ri.collection)
			if err != nil {
				return err
			}
			cols[ri.collection] = col
			order = append(order, ri.collection)
		}
		change(col, ri.name, ri.column)
	}
	for _, name := range order {
		if err := app.Save(cols[name]); err != nil {
			return err
		}
	}
	return nil
}
