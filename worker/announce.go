package worker

import (
	"sync/atomic"

	"github.com/pocketbase/pocketbase/core"

	"github.com/padron/padron/schema"
)

// announceInline is the largest batch announced before Announce returns:
// the caller is the request that just committed it, so its states reach
// the wire at once, before the woken worker's claims and the browser
// compete for the CPUs (in `padron bench` every slow delivery was such an
// announcement waiting its turn). Larger batches go to the background.
const announceInline = 8

// announceLanes is how many records of a background batch are announced at
// once: a broadcast waits on its own fan-out goroutines, so under CPU
// contention one at a time made the batch's last record wait out every
// earlier record's turn in the scheduler.
const announceLanes = 4

// Announce pushes the current state of cedula_info records to realtime
// subscribers without writing them again. Bulk enqueues save with hooks off
// (a realtime broadcast costs one rule check per subscriber per record,
// which would make a request of hundreds take seconds) and announce here
// instead: up to announceInline records before returning, more in the
// background, stopping when the worker stops. Each record is read just
// before its announcement, so a newer state saved meanwhile is the one sent.
func (w *Worker) Announce(infoIDs []string) {
	if len(infoIDs) == 0 {
		return
	}
	if len(infoIDs) <= announceInline {
		for _, id := range infoIDs {
			if w.runCtx.Err() != nil {
				return
			}
			w.announce(id)
		}
		return
	}
	var next atomic.Int64
	for range min(len(infoIDs), announceLanes) {
		w.running.Add(1)
		go func() {
			defer w.running.Done()
			for i := next.Add(1) - 1; i < int64(len(infoIDs)); i = next.Add(1) - 1 {
				if w.runCtx.Err() != nil {
					return
				}
				w.announce(infoIDs[i])
			}
		}()
	}
}

// announce fires the after-update hooks of one cedula_info record as it is
// now; a record deleted since has nothing to announce.
func (w *Worker) announce(id string) {
	info, err := w.app.FindRecordById(schema.CedulaInfoCollection, id)
	if err != nil {
		return
	}
	ev := &core.ModelEvent{App: w.app, Context: w.runCtx, Type: core.ModelEventTypeUpdate}
	ev.Model = info
	if err := w.app.OnModelAfterUpdateSuccess().Trigger(ev); err != nil {
		w.log.Debug("announce cedula_info", "id", id, "error", err)
		return
	}
	w.announced.Add(1)
}
