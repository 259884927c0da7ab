package worker

import (
	"database/sql"
	"errors"
	"fmt"

	"github.com/pocketbase/pocketbase/core"

	"github.com/padron/padron/schema"
)

// BreakerRowID is the id of schema.BreakerCollection's one row, which a restart reads back.
const BreakerRowID = "censusbreaker00"

// restoreBreaker loads the breaker a previous process left, so a restart
// during a block keeps cooling off.
func (w *Worker) restoreBreaker() error {
	rec, err := w.app.FindRecordById(schema.BreakerCollection, BreakerRowID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("load the block breaker: %w", err)
	}
	st := BreakerStatus{
		State:       rec.GetString("state"),
		Consecutive: rec.GetInt("consecutive_blocks"),
		Trips:       rec.GetInt("trips"),
		OpenUntil:   rec.GetDateTime("open_until").Time(),
	}
	w.breaker.Restore(st)
	if st.State != BreakerClosed || st.Consecutive > 0 {
		w.log.Warn("block breaker restored from the previous run", "state", st.State,
			"consecutive_blocks", st.Consecutive, "trips", st.Trips, "open_until", st.OpenUntil)
	}
	return nil
}

// saveBreaker persists a breaker snapshot unless a newer one is already
// saved; called outside the breaker's lock on every change.
func (w *Worker) saveBreaker(st BreakerStatus) {
	w.breakerMu.Lock()
	defer w.breakerMu.Unlock()
	if !st.Newer(w.breakerSaved) {
		return
	}
	rec, err := w.app.FindRecordById(schema.BreakerCollection, BreakerRowID)
	if errors.Is(err, sql.ErrNoRows) {
		var col *core.Collection
		if col, err = w.app.FindCachedCollectionByNameOrId(schema.BreakerCollection); err == nil {
			rec = core.NewRecord(col)
			rec.Set("id", BreakerRowID)
		}
	}
	if err == nil {
		rec.Set("state", st.State)
		rec.Set("consecutive_blocks", st.Consecutive)
		rec.Set("trips", st.Trips)
		if st.OpenUntil.IsZero() {
			rec.Set("open_until", nil)
		} else {
			rec.Set("open_until", st.OpenUntil.UTC())
		}
		err = w.app.Save(rec)
	}
	if err != nil {
		w.log.Error("persist the block breaker (a restart would forget it)", "state", st.State, "error", err)
		return
	}
	w.breakerSaved = st
}
