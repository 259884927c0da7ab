package hooks

import (
	"github.com/pocketbase/pocketbase/core"

	"github.com/padron/padron/census"
	"github.com/padron/padron/schema"
)

func bindCedulaInfoLifecycle(app core.App, q Waker) {
	// The cedula_info row is written in the same transaction as the user, so
	// a user never exists without one (and a failed insert leaves neither).
	app.OnRecordCreateExecute(schema.UsersCollection).BindFunc(func(e *core.RecordEvent) error {
		return inTransaction(e, func(txApp core.App) error {
			_, err := census.Create(txApp, e.Record)
			return err
		})
	})

	// A changed cédula invalidates the previous answer in the same transaction.
	app.OnRecordUpdateExecute(schema.UsersCollection).BindFunc(func(e *core.RecordEvent) error {
		if !cedulaChanged(e.Record) {
			return e.Next()
		}
		return inTransaction(e, func(txApp core.App) error {
			return census.Reset(txApp, e.Record)
		})
	})

	if q == nil {
		return
	}
	// Census checks start only after the change committed: never inside a
	// request or a transaction.
	app.OnRecordAfterCreateSuccess(schema.UsersCollection).BindFunc(func(e *core.RecordEvent) error {
		q.Wake()
		return e.Next()
	})
	app.OnRecordAfterUpdateSuccess(schema.UsersCollection).BindFunc(func(e *core.RecordEvent) error {
		if cedulaChanged(e.Record) {
			q.Wake()
		}
		return e.Next()
	})
}

// inTransaction runs the record write (e.Next) and then also in one
// transaction. The event's app is restored afterwards: the after-success
// hooks (PocketBase's and ours) run after the commit and must not receive
// the finished transaction.
func inTransaction(e *core.RecordEvent, also func(txApp core.App) error) error {
	orig := e.App
	defer func() { e.App = orig }()
	return orig.RunInTransaction(func(txApp core.App) error {
		e.App = txApp
		if err := e.Next(); err != nil {
			return err
		}
		return also(txApp)
	})
}

func cedulaChanged(rec *core.Record) bool {
	return rec.GetString("cedula") != rec.Original().GetString("cedula")
}
