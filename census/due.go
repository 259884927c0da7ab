package census

import (
	"fmt"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// CountDue counts the checks Claim would hand out now, up to limit, so the
// captcha pipeline buys tokens only for work that exists; the limit keeps
// the query short on a long queue.
func CountDue(app core.App, now time.Time, limit int) (int, error) {
	if limit <= 0 {
		return 0, nil
	}
	var n int
	err := app.DB().NewQuery(`
		SELECT count(*) FROM (
			SELECT 1 FROM {{cedula_info}}
			WHERE [[status]] = {:pending} AND ([[next_attempt_at]] = '' OR [[next_attempt_at]] <= {:now})
			LIMIT {:limit})`).Bind(dbx.Params{
		"pending": StatusPending, "now": stamp(now), "limit": limit,
	}).Row(&n)
	if err != nil {
		return 0, fmt.Errorf("count due checks: %w", err)
	}
	return n, nil
}
