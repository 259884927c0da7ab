package worker

import (
	"errors"
	"fmt"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/padron/padron/census"
	"github.com/padron/padron/schema"
)

// stamp formats t the way PocketBase stores dates, so raw SQL can compare them.
func stamp(t time.Time) string { return t.UTC().Format(types.DefaultDateLayout) }

// claim takes the most overdue queued check for this worker; nil when
// nothing is due.
func (w *Worker) claim() (*core.Record, error) {
	return census.Claim(w.app, w.owner, w.cfg.Clock.Now(), w.cfg.Lease)
}

// recoverLeases puts back in the queue every check whose lease is held by
// another owner (at start: a process that died) or has expired, so nothing
// stays processing forever. Saved one by one so realtime shows "pending".
func (w *Worker) recoverLeases(foreignToo bool) (int, error) {
	filter := "status = {:processing} && lease_until < {:now}"
	if foreignToo {
		filter = "status = {:processing} && (lease_owner != {:owner} || lease_until < {:now})"
	}
	stale, err := w.app.FindRecordsByFilter(schema.CedulaInfoCollection, filter, "", 0, 0, dbx.Params{
		"processing": census.StatusProcessing, "owner": w.owner, "now": stamp(w.cfg.Clock.Now()),
	})
	if err != nil {
		return 0, fmt.Errorf("find stale leases: %w", err)
	}
	for _, info := range stale {
		if err := census.Release(w.app, info); err != nil {
			return 0, err
		}
		w.log.Warn("census check reclaimed from an expired or dead lease",
			"cedula_info", info.Id, "previous_owner", info.GetString("lease_owner"))
	}
	return len(stale), nil
}

// releaseMine returns every check this worker still holds to the queue, at
// shutdown, so the next process picks them up at once.
func (w *Worker) releaseMine() error {
	mine, err := w.app.FindAllRecords(schema.CedulaInfoCollection,
		dbx.HashExp{"status": census.StatusProcessing, "lease_owner": w.owner})
	if err != nil {
		return fmt.Errorf("find own leases: %w", err)
	}
	var errs []error
	for _, info := range mine {
		errs = append(errs, census.Release(w.app, info))
	}
	return errors.Join(errs...)
}
