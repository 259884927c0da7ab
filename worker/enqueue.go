package worker

import (
	"fmt"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/list"

	"github.com/padron/padron/census"
	"github.com/padron/padron/schema"
)

// Enqueue schedules a census check for each user, in app's transaction if
// app is one, and wakes the dispatcher. A user whose check is already
// pending or processing is left alone: enqueuing twice is a no-op.
func (w *Worker) Enqueue(app core.App, userIDs ...string) error {
	if len(userIDs) == 0 {
		return nil
	}
	infos, err := app.FindAllRecords(schema.CedulaInfoCollection, dbx.In("user", list.ToInterfaceSlice(userIDs)...))
	if err != nil {
		return fmt.Errorf("find cedula_info of %d users: %w", len(userIDs), err)
	}
	for _, info := range infos {
		if _, err := census.Queue(app, info, w.cfg.Clock.Now(), census.Request{Kind: census.KindFirst}); err != nil {
			return err
		}
	}
	w.Wake()
	return nil
}
