package worker

import (
	"context"
	"errors"

	"github.com/pocketbase/pocketbase/core"

	"github.com/padron/padron/schema"
)

// errUserDeleted is why a running check's lookup is stopped when its user
// leaves (habeas data): the form is not submitted, so no captcha is spent.
var errUserDeleted = errors.New("the check's user was deleted")

// bindDeletions stops the running attempt of a cedula_info record as soon
// as the record is deleted (with its user), instead of finishing a lookup
// nobody will see.
func (w *Worker) bindDeletions(app core.App) {
	app.OnRecordAfterDeleteSuccess(schema.CedulaInfoCollection).BindFunc(func(e *core.RecordEvent) error {
		if stop, ok := w.checks.Load(e.Record.Id); ok {
			stop.(context.CancelCauseFunc)(errUserDeleted)
		}
		return e.Next()
	})
}
