package worker

import (
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/padron/padron/migrations"
)

// stamp formats t the way PocketBase stores dates, so raw SQL can compare them.
func stamp(t time.Time) string { return t.UTC().Format(types.DefaultDateLayout) }

// claim takes the most overdue queued check with a compare-and-set, so two
// claimers never take the same one, then re-saves it through the app so
// realtime subscribers see "processing". It returns nil when nothing is due.
func (w *Worker) claim() (*core.Record, error) {
	now := w.cfg.Clock.Now()
	var id string
	err := w.app.NonconcurrentDB().NewQuery(`
		UPDATE {{cedula_info}}
		SET [[status]] = {:processing}, [[lease_owner]] = {:owner}, [[lease_until]] = {:until}
		WHERE [[id]] = (
			SELECT [[id]] FROM {{cedula_info}}
			WHERE [[status]] = {:pending} AND ([[next_attempt_at]] = '' OR [[next_attempt_at]] <= {:now})
			ORDER BY [[next_attempt_at]], [[requested_at]]
			LIMIT 1
		) AND [[status]] = {:pending}
		RETURNING [[id]]`).Bind(dbx.Params{
		"processing": migrations.StatusProcessing,
		"pending":    migrations.StatusPending,
		"owner":      w.owner,
		"until":      stamp(now.Add(w.cfg.Lease)),
		"now":        stamp(now),
	}).Row(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("claim: %w", err)
	}
	info, err := w.app.FindRecordById(migrations.CedulaInfoCollection, id)
	if err != nil {
		return nil, fmt.Errorf("load claimed %s: %w", id, err)
	}
	if err := w.app.Save(info); err != nil { // fires realtime: processing
		return nil, fmt.Errorf("announce claim %s: %w", id, err)
	}
	return info, nil
}

// renew extends the lease of a running check; false means it is no longer ours.
func (w *Worker) renew(id string) (bool, error) {
	res, err := w.app.NonconcurrentDB().NewQuery(`
		UPDATE {{cedula_info}} SET [[lease_until]] = {:until}
		WHERE [[id]] = {:id} AND [[lease_owner]] = {:owner} AND [[status]] = {:processing}`).Bind(dbx.Params{
		"until": stamp(w.cfg.Clock.Now().Add(w.cfg.Lease)), "id": id,
		"owner": w.owner, "processing": migrations.StatusProcessing,
	}).Execute()
	if err != nil {
		return false, fmt.Errorf("renew lease %s: %w", id, err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// recoverLeases puts back in the queue every check whose lease is held by
// another owner (at start: a process that died) or has expired, so nothing
// stays processing forever. Saved one by one so realtime shows "pending".
func (w *Worker) recoverLeases(foreignToo bool) (int, error) {
	filter := "status = {:processing} && lease_until < {:now}"
	if foreignToo {
		filter = "status = {:processing} && (lease_owner != {:owner} || lease_until < {:now})"
	}
	stale, err := w.app.FindRecordsByFilter(migrations.CedulaInfoCollection, filter, "", 0, 0, dbx.Params{
		"processing": migrations.StatusProcessing, "owner": w.owner, "now": stamp(w.cfg.Clock.Now()),
	})
	if err != nil {
		return 0, fmt.Errorf("find stale leases: %w", err)
	}
	for _, info := range stale {
		release(info)
		if err := w.app.Save(info); err != nil {
			return 0, fmt.Errorf("release stale lease %s: %w", info.Id, err)
		}
		w.log.Warn("census check reclaimed from an expired or dead lease",
			"cedula_info", info.Id, "previous_owner", info.GetString("lease_owner"))
	}
	return len(stale), nil
}

// releaseMine returns every check this worker still holds to the queue, at
// shutdown, so the next process picks them up at once.
func (w *Worker) releaseMine() error {
	mine, err := w.app.FindAllRecords(migrations.CedulaInfoCollection,
		dbx.HashExp{"status": migrations.StatusProcessing, "lease_owner": w.owner})
	if err != nil {
		return fmt.Errorf("find own leases: %w", err)
	}
	var errs []error
	for _, info := range mine {
		release(info)
		errs = append(errs, w.app.Save(info))
	}
	return errors.Join(errs...)
}

func release(info *core.Record) {
	info.Set("status", migrations.StatusPending)
	info.Set("lease_owner", "")
	info.Set("lease_until", nil)
}
