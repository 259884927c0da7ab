package bench

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/padron/padron/census"
	"github.com/padron/padron/routes"
)

// runLookups has the superuser bulk-refresh ids (user ids) and waits until
// the queue holds nothing in flight: n lookups with nobody listening, so
// the memory they leave behind is theirs alone.
func runLookups(ctx context.Context, c *client, superToken string, ids []string, perCheck time.Duration) error {
	for i := 0; i < len(ids); i += routes.MaxBulkIDs {
		batch := ids[i:min(len(ids), i+routes.MaxBulkIDs)]
		var out struct{ Queued int }
		if _, _, err := c.do(ctx, http.MethodPost, "/api/census/bulk-refresh", superToken, map[string]any{"ids": batch, "all": true}, http.StatusOK, &out); err != nil {
			return err
		}
		if out.Queued != len(batch) {
			return fmt.Errorf("bulk refresh queued %d of %d", out.Queued, len(batch))
		}
	}
	patience := time.Minute + time.Duration(len(ids))*perCheck
	deadline := time.Now().Add(patience)
	for {
		var st struct{ Queue map[string]int }
		if _, _, err := c.do(ctx, http.MethodGet, "/api/census/worker", superToken, nil, http.StatusOK, &st); err != nil {
			return err
		}
		left := 0
		for _, s := range census.InFlight {
			left += st.Queue[s]
		}
		if left == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%d checks still in flight after %s", left, patience)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
}
