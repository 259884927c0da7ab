package worker

import (
	"context"
	"fmt"
	"time"

	"github.com/go-co-op/gocron/v2"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/list"

	"github.com/padron/padron/census"
	"github.com/padron/padron/schema"
)

func (w *Worker) scheduleMaintenance() error {
	if _, err := w.sched.NewJob(gocron.DurationJob(time.Hour), gocron.NewTask(w.logged("retention", w.PruneAttempts)),
		gocron.WithName("census-attempt-retention"), gocron.WithSingletonMode(gocron.LimitModeReschedule)); err != nil {
		return fmt.Errorf("retention job: %w", err)
	}
	if w.cfg.RevalidateAfter == RevalidateOff && w.cfg.RetryFailedAfter == RetryFailedOff {
		return nil
	}
	if _, err := w.sched.NewJob(gocron.DurationJob(w.cfg.RevalidateEvery), gocron.NewTask(w.logged("revalidation", w.Revalidate)),
		gocron.WithName("census-revalidation"), gocron.WithSingletonMode(gocron.LimitModeReschedule)); err != nil {
		return fmt.Errorf("revalidation job: %w", err)
	}
	return nil
}

func (w *Worker) logged(name string, f func(context.Context) (int, error)) func(context.Context) {
	return func(ctx context.Context) {
		n, err := f(ctx)
		if err != nil {
			w.log.Error(name+" failed", "error", err)
		} else if n > 0 {
			w.log.Info(name, "records", n)
		}
	}
}

// PruneAttempts deletes attempt history older than AttemptRetention (with
// its evidence files), in batches, and reports how many it deleted.
func (w *Worker) PruneAttempts(ctx context.Context) (int, error) {
	cutoff := stamp(w.cfg.Clock.Now().Add(-w.cfg.AttemptRetention))
	total := 0
	for ctx.Err() == nil {
		old, err := w.app.FindRecordsByFilter(schema.AttemptsCollection, "started_at < {:cutoff}", "started_at", 200, 0,
			dbx.Params{"cutoff": cutoff})
		if err != nil {
			return total, fmt.Errorf("find old attempts: %w", err)
		}
		if len(old) == 0 {
			break
		}
		for _, a := range old {
			if err := w.app.Delete(a); err != nil {
				return total, fmt.Errorf("delete attempt %s: %w", a.Id, err)
			}
			total++
		}
	}
	return total, ctx.Err()
}

// Revalidate enqueues up to RevalidateBatch records, oldest first: answers
// (census.Answers) older than RevalidateAfter, so the census stays fresh at
// a low rate, then checks that failed for good (census.Failed) longer than
// RetryFailedAfter ago, so a failure is tried again without anyone asking.
func (w *Worker) Revalidate(ctx context.Context) (int, error) {
	now := w.cfg.Clock.Now()
	var stale []*core.Record
	if w.cfg.RevalidateAfter != RevalidateOff {
		err := w.app.RecordQuery(schema.CedulaInfoCollection).
			AndWhere(dbx.In("status", list.ToInterfaceSlice(census.Answers)...)).
			AndWhere(dbx.NewExp("[[fetched_at]] != '' AND [[fetched_at]] < {:cutoff}",
				dbx.Params{"cutoff": stamp(now.Add(-w.cfg.RevalidateAfter))})).
			OrderBy("fetched_at").Limit(int64(w.cfg.RevalidateBatch)).All(&stale)
		if err != nil {
			return 0, fmt.Errorf("find stale answers: %w", err)
		}
	}
	if room := w.cfg.RevalidateBatch - len(stale); room > 0 && w.cfg.RetryFailedAfter != RetryFailedOff {
		var failed []*core.Record
		err := w.app.RecordQuery(schema.CedulaInfoCollection).
			AndWhere(dbx.In("status", list.ToInterfaceSlice(census.Failed)...)).
			AndWhere(dbx.NewExp("[[updated]] < {:cutoff}", dbx.Params{"cutoff": stamp(now.Add(-w.cfg.RetryFailedAfter))})).
			OrderBy("updated").Limit(int64(room)).All(&failed)
		if err != nil {
			return 0, fmt.Errorf("find failed checks: %w", err)
		}
		stale = append(stale, failed...)
	}
	n := 0
	for _, info := range stale {
		if ctx.Err() != nil {
			break
		}
		queued, err := census.Queue(w.app, info, w.cfg.Clock.Now(), census.Request{Kind: census.KindRevalidate})
		if err != nil {
			return n, err
		}
		if queued {
			n++
		}
	}
	if n > 0 {
		w.Wake()
	}
	return n, nil
}
