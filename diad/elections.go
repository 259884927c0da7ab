package diad

import (
	"fmt"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/padron/padron/schema"
)

// bindElections gives an election its default hours and keeps one current:
// saving an election as current makes every other one not current, in the
// same save.
func bindElections(app core.App) {
	app.OnRecordValidate(schema.ElectionsCollection).BindFunc(func(e *core.RecordEvent) error {
		def := DefaultHours(e.Record.GetDateTime("date").Time())
		if e.Record.GetDateTime("opens_at").IsZero() {
			e.Record.Set("opens_at", def.Opens.UTC())
		}
		if e.Record.GetDateTime("closes_at").IsZero() {
			e.Record.Set("closes_at", def.Closes.UTC())
		}
		return e.Next()
	})
	one := func(e *core.RecordEvent) error {
		if err := e.Next(); err != nil {
			return err
		}
		if !e.Record.GetBool("current") {
			return nil
		}
		_, err := e.App.DB().Update(schema.ElectionsCollection, dbx.Params{"current": false},
			dbx.And(dbx.HashExp{"current": true}, dbx.Not(dbx.HashExp{"id": e.Record.Id}))).Execute()
		if err != nil {
			return fmt.Errorf("elections: keep one current: %w", err)
		}
		return nil
	}
	app.OnRecordCreateExecute(schema.ElectionsCollection).BindFunc(one)
	app.OnRecordUpdateExecute(schema.ElectionsCollection).BindFunc(one)
}

// Current is the current election, or nil when there is none.
func Current(app core.App) (*core.Record, error) {
	recs, err := app.FindRecordsByFilter(schema.ElectionsCollection, "current = true", "-date", 1, 0)
	if err != nil {
		return nil, fmt.Errorf("current election: %w", err)
	}
	if len(recs) == 0 {
		return nil, nil
	}
	return recs[0], nil
}
