package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"

	"github.com/padron/padron/tree"
)

func init() {
	m.Register(upNetworkLeaders, downNetworkLeaders)
}

// upNetworkLeaders counts the leaders and coordinators per node and level
// below it (network_counts.leaders, kept by a users trigger on role), so
// the ranking's total reads a row per level instead of probing every
// leader of the campaign (370 ms at 200,000 people, 76,000 of them
// leaders); it recounts the counters.
func upNetworkLeaders(app core.App) error {
	return tree.AddLeaderCounts(app)
}

func downNetworkLeaders(app core.App) error {
	for _, q := range []string{
		"DROP TRIGGER IF EXISTS network_role_update",
		"ALTER TABLE " + tree.CountsTable + " DROP COLUMN leaders",
	} {
		if _, err := app.DB().NewQuery(q).Execute(); err != nil {
			return err
		}
	}
	return nil
}
