package habeas

import (
	"fmt"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/padron/padron/campaign"
	"github.com/padron/padron/schema"
	"github.com/padron/padron/tree"
)

// PurgeJobID names the cron job that runs the scheduled deletions.
const PurgeJobID = "padronDataPurge"

// purgeBatch is how many records one transaction deletes.
const purgeBatch = 500

// Purge kinds, as the data_purges log names them.
const (
	PurgeEvidence = "evidence"
	PurgeAll      = "all"
)

// RunDuePurges runs every deletion the campaign record schedules at or
// before now and has not run yet: the census evidence (every attempt with
// its registrar page and screenshot, and the raw answers kept on census
// records), then all personal data (every person with their census record,
// every claim and election day's marks, testigos and E-14 reports). Each one run is logged, written to data_purges and
// stamped on the campaign record, so it runs once.
func RunDuePurges(app core.App, now time.Time) error {
	rec, err := campaign.Load(app)
	if err != nil {
		return err
	}
	for _, p := range []struct{ kind, at, done string }{
		{PurgeEvidence, "purge_evidence_at", "purge_evidence_done_at"},
		{PurgeAll, "purge_all_at", "purge_all_done_at"},
	} {
		at := rec.GetDateTime(p.at)
		if at.IsZero() || at.Time().After(now) || !rec.GetDateTime(p.done).IsZero() {
			continue
		}
		start := time.Now()
		n, summary, err := purge(app, p.kind)
		if err != nil {
			app.Logger().Error("data purge failed", "kind", p.kind, "deleted", n, "error", err)
			return fmt.Errorf("purge %s: %w", p.kind, err)
		}
		took := time.Since(start)
		if err := logPurge(app, p.kind, at, n, summary, took); err != nil {
			return err
		}
		rec.Set(p.done, types.NowDateTime())
		if err := app.Save(rec); err != nil {
			return fmt.Errorf("purge %s: stamp campaign: %w", p.kind, err)
		}
		app.Logger().Warn("data purge done", "kind", p.kind, "scheduled_for", at.String(), "deleted", n,
			"duration_ms", took.Milliseconds(), "summary", summary)
	}
	return nil
}

func purge(app core.App, kind string) (int, string, error) {
	switch kind {
	case PurgeEvidence:
		n, err := deleteAll(app, schema.AttemptsCollection)
		if err != nil {
			return n, "", err
		}
		res, err := app.DB().NewQuery("UPDATE {{" + schema.CedulaInfoCollection + "}} SET [[raw_response]] = '' WHERE [[raw_response]] != ''").Execute()
		if err != nil {
			return n, "", fmt.Errorf("clear raw responses: %w", err)
		}
		cleared, _ := res.RowsAffected()
		return n, fmt.Sprintf("%d consultas con su evidencia borradas; %d respuestas crudas vaciadas.", n, cleared), nil
	default:
		claims, err := deleteAll(app, schema.ClaimsCollection)
		if err != nil {
			return claims, "", err
		}
		// Election day's records name people, some as the one who acted
		// (marked_by, assigned_by, reported_by: required references a
		// person's deletion cannot clear): they go before the people.
		diad := 0
		for _, col := range []string{schema.E14Collection, schema.VoteMarksCollection, schema.TestigosCollection} {
			k, err := deleteAll(app, col)
			diad += k
			if err != nil {
				return claims + diad, "", err
			}
		}
		if err := unlinkNetwork(app); err != nil {
			return claims + diad, "", err
		}
		users, err := deleteAll(app, schema.UsersCollection)
		n := claims + diad + users
		if err != nil {
			return n, "", err
		}
		return n, fmt.Sprintf("%d personas borradas con su inscripción y sus consultas; %d reclamos y %d registros del Día D borrados.",
			users, claims, diad), nil
	}
}

// unlinkNetwork makes everyone a root in one transaction, set-wise: nobody
// refers anybody, and the closure table keeps only each person's own row
// and the counters nobody below (what tree.Rebuild makes of a forest of
// roots). Each deletion after it
// then moves nobody up and removes one row, and the table stays equal to
// referred_by at every step, should the purge stop half-way.
func unlinkNetwork(app core.App) error {
	return app.RunInTransaction(func(tx core.App) error {
		if _, err := tx.DB().NewQuery("UPDATE {{" + schema.UsersCollection + "}} SET [[referred_by]] = '' WHERE [[referred_by]] != ''").Execute(); err != nil {
			return fmt.Errorf("unlink referrals: %w", err)
		}
		if _, err := tx.DB().NewQuery("DELETE FROM {{" + schema.NetworkCollection + "}} WHERE [[depth]] > 0").Execute(); err != nil {
			return fmt.Errorf("unlink the network: %w", err)
		}
		// The tree's counters follow: each root counts nobody below.
		if err := tree.Recount(tx); err != nil {
			return fmt.Errorf("recount the network: %w", err)
		}
		return nil
	})
}

// deleteAll deletes every record of collection through the app (files,
// cascades and realtime included), a batch per transaction.
func deleteAll(app core.App, collection string) (int, error) {
	n := 0
	for {
		recs, err := app.FindRecordsByFilter(collection, "", "", purgeBatch, 0)
		if err != nil {
			return n, fmt.Errorf("list %s: %w", collection, err)
		}
		if len(recs) == 0 {
			return n, nil
		}
		err = app.RunInTransaction(func(tx core.App) error {
			for _, r := range recs {
				if err := tx.Delete(r); err != nil {
					return fmt.Errorf("delete %s %s: %w", collection, r.Id, err)
				}
			}
			return nil
		})
		if err != nil {
			return n, err
		}
		n += len(recs)
	}
}

// logPurge writes one run to data_purges, the dashboard's record of them.
func logPurge(app core.App, kind string, at types.DateTime, n int, summary string, took time.Duration) error {
	col, err := app.FindCachedCollectionByNameOrId(schema.DataPurgesCollection)
	if err != nil {
		return fmt.Errorf("purge log: %w", err)
	}
	r := core.NewRecord(col)
	r.Set("kind", kind)
	r.Set("scheduled_for", at)
	r.Set("deleted", n)
	r.Set("summary", summary)
	r.Set("duration_ms", took.Milliseconds())
	if err := app.Save(r); err != nil {
		return fmt.Errorf("purge log: %w", err)
	}
	return nil
}
