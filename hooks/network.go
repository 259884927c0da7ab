package hooks

import (
	"fmt"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/padron/padron/checkpoint"
	"github.com/padron/padron/schema"
	"github.com/padron/padron/tree"
)

// bindNetwork keeps the closure table (package tree) equal to the tree of
// referred_by, in the same transaction as every change of it: a
// registration adds the person's rows, a new referrer moves their whole
// branch, a deletion first moves the person's referidos up to the person's
// own referrer (so nobody below loses their place in the campaign) and then
// drops the person's rows.
func bindNetwork(app core.App) {
	app.OnRecordCreateExecute(schema.UsersCollection).BindFunc(func(e *core.RecordEvent) error {
		return inTransaction(e, func(txApp core.App) error {
			return tree.Insert(txApp, e.Record.Id, e.Record.GetString("referred_by"))
		})
	})
	app.OnRecordUpdateExecute(schema.UsersCollection).BindFunc(func(e *core.RecordEvent) error {
		parent := e.Record.GetString("referred_by")
		// A record built in Go and saved twice has no original: move anyway
		// (a move to the same parent rewrites the same rows).
		if orig := e.Record.Original(); orig.Id != "" && parent == orig.GetString("referred_by") {
			return e.Next()
		}
		return inTransaction(e, func(txApp core.App) error {
			// A branch's move rewrites rows all over the table: the copy
			// of so many pages into the database file waits for the
			// commit to have answered.
			if err := checkpoint.Defer(txApp); err != nil {
				return err
			}
			return tree.Move(txApp, e.Record.Id, parent)
		})
	})
	app.OnRecordDeleteExecute(schema.UsersCollection).BindFunc(func(e *core.RecordEvent) error {
		orig := e.App
		defer func() { e.App = orig }()
		return orig.RunInTransaction(func(txApp core.App) error {
			e.App = txApp
			if err := promoteReferidos(txApp, e.Record); err != nil {
				return err
			}
			if err := tree.Remove(txApp, e.Record.Id); err != nil {
				return err
			}
			return e.Next()
		})
	})
}

// promoteReferidos moves gone's direct referidos, with their branches, to
// gone's own referrer (or makes them roots), each saved as a record so the
// closure hook and realtime see an ordinary move.
func promoteReferidos(txApp core.App, gone *core.Record) error {
	children, err := txApp.FindAllRecords(schema.UsersCollection, dbx.HashExp{"referred_by": gone.Id})
	if err != nil {
		return fmt.Errorf("referidos of %s: %w", gone.Id, err)
	}
	up := gone.GetString("referred_by")
	for _, c := range children {
		c.Set("referred_by", up)
		// Only the referrer changes; records older than today's field
		// rules are not re-validated against them.
		if err := txApp.SaveNoValidate(c); err != nil {
			return fmt.Errorf("move %s up to %q: %w", c.Id, up, err)
		}
	}
	return nil
}
