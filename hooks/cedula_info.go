package hooks

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"

	"github.com/padron/padron/migrations"
)

// censusFields are the registrar's answer on a cedula_info record; a new
// cédula makes all of them stale.
var censusFields = []string{
	"departamento", "municipio", "puesto", "direccion", "mesa",
	"novedad", "resolucion", "fecha_novedad", "fetched_at", "error_message",
	"raw_response", "next_attempt_at",
}

func bindCedulaInfoLifecycle(app core.App, q Enqueuer) {
	// The cedula_info row is written in the same transaction as the user, so
	// a user never exists without one (and a failed insert leaves neither).
	app.OnRecordCreateExecute(migrations.UsersCollection).BindFunc(func(e *core.RecordEvent) error {
		return inTransaction(e, func(txApp core.App) error {
			return createCedulaInfo(txApp, e.Record.Id)
		})
	})

	// A changed cédula invalidates the previous answer in the same transaction.
	app.OnRecordUpdateExecute(migrations.UsersCollection).BindFunc(func(e *core.RecordEvent) error {
		if !cedulaChanged(e.Record) {
			return e.Next()
		}
		return inTransaction(e, func(txApp core.App) error {
			return resetCedulaInfo(txApp, e.Record.Id)
		})
	})

	if q == nil {
		return
	}
	// Census checks start only after the change committed: never inside a
	// request or a transaction.
	app.OnRecordAfterCreateSuccess(migrations.UsersCollection).BindFunc(func(e *core.RecordEvent) error {
		enqueueLogged(app, q, e.Record.Id, "registration")
		return e.Next()
	})
	app.OnRecordAfterUpdateSuccess(migrations.UsersCollection).BindFunc(func(e *core.RecordEvent) error {
		if cedulaChanged(e.Record) {
			enqueueLogged(app, q, e.Record.Id, "cedula change")
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

func createCedulaInfo(app core.App, userID string) error {
	col, err := app.FindCachedCollectionByNameOrId(migrations.CedulaInfoCollection)
	if err != nil {
		return fmt.Errorf("cedula_info collection: %w", err)
	}
	info := core.NewRecord(col)
	info.Set("user", userID)
	info.Set("status", migrations.StatusPending)
	if err := app.Save(info); err != nil {
		return fmt.Errorf("create cedula_info for user %s: %w", userID, err)
	}
	return nil
}

func resetCedulaInfo(app core.App, userID string) error {
	info, err := app.FindFirstRecordByData(migrations.CedulaInfoCollection, "user", userID)
	if err != nil {
		// A user from before cedula_info existed, or one whose row was deleted.
		return createCedulaInfo(app, userID)
	}
	for _, f := range censusFields {
		info.Set(f, nil)
	}
	info.Set("status", migrations.StatusPending)
	info.Set("attempts", 0)
	if err := app.Save(info); err != nil {
		return fmt.Errorf("reset cedula_info for user %s: %w", userID, err)
	}
	return nil
}

// enqueueLogged schedules a check; a failure is logged, not returned, since
// the user's change already committed and a pending record is picked up by
// the worker's sweep anyway.
func enqueueLogged(app core.App, q Enqueuer, userID, why string) {
	if err := q.Enqueue(app, userID); err != nil {
		app.Logger().Error("enqueue census check", "user", userID, "reason", why, "error", err)
	}
}
