package census_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/padron/padron/census"
)

// BenchmarkClaimFair measures one fair claim with 10,000 checks queued by
// 100 requesters (a bulk refresh each): the turn order costs a subquery per
// due check.
func BenchmarkClaimFair(b *testing.B) {
	app, _ := newApp(&testing.T{})
	defer app.Cleanup()
	// Raw rows: the queue's shape without 10,000 users' hooks.
	err := app.RunInTransaction(func(tx core.App) error {
		for i := range 10_000 {
			uid := fmt.Sprintf("u%014d", i)
			_, err := tx.DB().NewQuery(`INSERT INTO {{users}} ([[id]], [[tokenKey]], [[cedula]], [[referral_code]], [[name]], [[role]])
				VALUES ({:id}, {:id}, {:ced}, {:id}, 'Persona', 'member')`).Bind(dbx.Params{"id": uid, "ced": fmt.Sprint(40000000 + i)}).Execute()
			if err != nil {
				return err
			}
			_, err = tx.DB().NewQuery(`INSERT INTO {{cedula_info}} ([[id]], [[user]], [[status]], [[queue_kind]], [[queued_by]], [[requested_at]], [[next_attempt_at]], [[claimed_at]])
				VALUES ({:id}, {:user}, 'pending', 'refresh', {:by}, {:at}, '', '')`).Bind(dbx.Params{
				"id": fmt.Sprintf("bench%010d", i), "user": uid, "by": fmt.Sprintf("leader%03d", i%100),
				"at": t0.Add(time.Duration(i) * time.Millisecond).Format("2006-01-02 15:04:05.000Z"),
			}).Execute()
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := range b.N {
		if _, err := census.Claim(app, "me", t0.Add(time.Duration(i)*time.Second), time.Minute); err != nil {
			b.Fatal(err)
		}
	}
}
