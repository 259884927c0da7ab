package habeas

import (
	"fmt"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/padron/padron/campaign"
	"github.com/padron/padron/schema"
)

// PurgeJobID names the cron job that runs the scheduled deletions.
const PurgeJobID = "padronDataPurge"

// purgeBatch is how many records one transaction deletes.
const purgeBatch = 200

// Purge kinds, as the data_purges log names them.
const (
	PurgeEvidence = "evidence"
	PurgeAll      = "all"
)

// RunDuePurges runs every deletion the campaign record schedules at or
// before now and has not run yet: the census evidence (every attempt with
// its registrar page and screenshot, and the raw answers kept on census
// records), then all personal data (every person with their census record,
// and every claim). Each one run is logged, written to data_purges and
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
		n, summary, err := purge(app, p.kind)
		if err != nil {
			app.Logger().Error("data purge failed", "kind", p.kind, "deleted", n, "error", err)
			return fmt.Errorf("purge %s: %w", p.kind, err)
		}
		if err := logPurge(app, p.kind, at, n, summary); err != nil {
			return err
		}
		rec.Set(p.done, types.NowDateTime())
		if err := app.Save(rec); err != nil {
			return fmt.Errorf("purge %s: stamp campaign: %w", p.kind, err)
		}
		app.Logger().Warn("data purge done", "kind", p.kind, "scheduled_for", at.String(), "deleted", n, "summary", summary)
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
		// Unlink the tree first, so each deletion does not rewrite the
		// people its person referred.
		if _, err := app.DB().NewQuery("UPDATE {{" + schema.UsersCollection + "}} SET [[referred_by]] = ''").Execute(); err != nil {
			return claims, "", fmt.Errorf("unlink referrals: %w", err)
		}
		users, err := deleteAll(app, schema.UsersCollection)
		n := claims + users
		if err != nil {
			return n, "", err
		}
		return n, fmt.Sprintf("%d personas borradas con su inscripción y sus consultas; %d reclamos borrados.", users, claims), nil
	}
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

func logPurge(app core.App, kind string, at types.DateTime, n int, summary string) error {
	col, err := app.FindCachedCollectionByNameOrId(schema.DataPurgesCollection)
	if err != nil {
		return fmt.Errorf("purge log: %w", err)
	}
	r := core.NewRecord(col)
	r.Set("kind", kind)
	r.Set("scheduled_for", at)
	r.Set("deleted", n)
	r.Set("summary", summary)
	if err := app.Save(r); err != nil {
		return fmt.Errorf("purge log: %w", err)
	}
	return nil
}
