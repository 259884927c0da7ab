package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"

	"github.com/padron/padron/schema"
	"github.com/padron/padron/tree"
)

func init() {
	m.Register(upNetworkCounters, downNetworkCounters)
}

// upNetworkCounters adds the tree's per-node counters (issue 16's
// performance: the red endpoints read them instead of counting subtrees),
// their cedula_info triggers and their backfill, and an index on
// users.created (the newest-first lists). It drops the closure table's
// unique (ancestor, descendant) index: the up index (descendant, depth,
// ancestor) answers every pair lookup from at most one row per level, and
// each index fewer makes a registration's closure rows cheaper to write
// (one row per ancestor: the cost that grows with depth).
func upNetworkCounters(app core.App) error {
	network, err := app.FindCollectionByNameOrId(schema.NetworkCollection)
	if err != nil {
		return err
	}
	network.RemoveIndex("idx_network_pair")
	if err := app.Save(network); err != nil {
		return err
	}
	users, err := app.FindCollectionByNameOrId(schema.UsersCollection)
	if err != nil {
		return err
	}
	users.AddIndex("idx_users_created", false, "created", "")
	if err := app.Save(users); err != nil {
		return err
	}
	if err := tree.CreateCounters(app); err != nil {
		return err
	}
	return tree.Recount(app)
}

func downNetworkCounters(app core.App) error {
	if err := tree.DropCounters(app); err != nil {
		return err
	}
	users, err := app.FindCollectionByNameOrId(schema.UsersCollection)
	if err != nil {
		return err
	}
	users.RemoveIndex("idx_users_created")
	if err := app.Save(users); err != nil {
		return err
	}
	network, err := app.FindCollectionByNameOrId(schema.NetworkCollection)
	if err != nil {
		return err
	}
	network.AddIndex("idx_network_pair", true, "ancestor, descendant", "")
	return app.Save(network)
}
