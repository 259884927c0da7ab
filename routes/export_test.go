package routes

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/subscriptions"
)

// Seams for the external tests (package routes_test, which may import
// apptest): the live feeds' access decisions, as the feeds make them.

// ReferidoAccess is who receives row of the referidos view under rule.
func ReferidoAccess(app core.App, row *core.Record, rule *string, shipped string) func(auth *core.Record) bool {
	return plain(liveAccess(app, row, rule, shipped, referidoReaders(row)))
}

// IsShipped is isShipped.
var IsShipped = isShipped

func plain(m mayReceive) func(*core.Record) bool {
	return func(auth *core.Record) bool { return m(auth, subscriptions.SubscriptionOptions{}) }
}

// RankBestFirst is rankBestFirst; RankedSQL its values as SQL.
var (
	RankBestFirst = rankBestFirst
	RankedSQL     = rankedSQL
)
