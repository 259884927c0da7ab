package worker

import (
	"github.com/pocketbase/pocketbase/core"

	"github.com/padron/padron/schema"
)

// Announce pushes the current state of cedula_info records to realtime
// subscribers without writing them again. Bulk enqueues save with hooks off
// (a realtime broadcast costs one rule query per subscriber per record,
// which does not belong inside a request) and announce here instead, in the
// background, stopping when the worker stops.
func (w *Worker) Announce(infoIDs []string) {
	if len(infoIDs) == 0 {
		return
	}
	w.running.Add(1)
	go func() {
		defer w.running.Done()
		for _, id := range infoIDs {
			if w.runCtx.Err() != nil {
				return
			}
			info, err := w.app.FindRecordById(schema.CedulaInfoCollection, id)
			if err != nil {
				continue // deleted since: nothing to announce
			}
			ev := &core.ModelEvent{App: w.app, Context: w.runCtx, Type: core.ModelEventTypeUpdate}
			ev.Model = info
			if err := w.app.OnModelAfterUpdateSuccess().Trigger(ev); err != nil {
				w.log.Debug("announce cedula_info", "id", id, "error", err)
				continue
			}
			w.announced.Add(1)
		}
	}()
}
