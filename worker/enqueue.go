package worker

import (
	"fmt"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/list"

	"github.com/padron/padron/migrations"
)

// Enqueue schedules a census check for each user, in app's transaction if
// app is one, and wakes the dispatcher. A user whose check is already
// pending or processing is left alone: enqueuing twice is a no-op.
func (w *Worker) Enqueue(app core.App, userIDs ...string) error {
	if len(userIDs) == 0 {
		return nil
	}
	infos, err := app.FindAllRecords(migrations.CedulaInfoCollection, dbx.In("user", list.ToInterfaceSlice(userIDs)...))
	if err != nil {
		return fmt.Errorf("find cedula_info of %d users: %w", len(userIDs), err)
	}
	for _, info := range infos {
		if _, err := MarkPending(app, info, w.cfg.Clock.Now()); err != nil {
			return err
		}
	}
	w.Wake()
	return nil
}

// MarkPending queues one cedula_info record for a check now, unless a check
// is already pending or processing; it reports whether it queued one. It
// does not wake the dispatcher: callers that batch call Wake after commit.
func MarkPending(app core.App, info *core.Record, now time.Time) (bool, error) {
	switch info.GetString("status") {
	case migrations.StatusPending, migrations.StatusProcessing:
		return false, nil
	}
	info.Set("status", migrations.StatusPending)
	info.Set("attempts", 0)
	info.Set("next_attempt_at", nil)
	info.Set("error_message", "")
	info.Set("requested_at", now.UTC())
	if err := app.Save(info); err != nil {
		return false, fmt.Errorf("queue check %s: %w", info.Id, err)
	}
	return true, nil
}
