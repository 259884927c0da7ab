package routes

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/subscriptions"

	"github.com/padron/padron/schema"
	"github.com/padron/padron/tree"
)

// RedTopic is the custom realtime topic of the network: a client hears of
// every change in its own subtree, and of nothing else.
const RedTopic = "red"

// RedEvent is what a RedTopic subscriber receives.
type RedEvent struct {
	// Action is registration, move, role, goals, census or delete.
	Action string `json:"action"`
	// Node is the person who changed; Parent their referrer (after the change).
	Node   string `json:"node"`
	Parent string `json:"parent"`
	// Ancestors are everyone above Node, nearest first (for a move: above
	// it before and after), the nodes whose totals changed.
	Ancestors []string `json:"ancestors"`
}

// BindRedLive sends RedEvents. The recipients of a change are computed
// once from the closure table (Node's ancestors, and Node), then matched to
// the RedTopic subscribers by their auth id: one query per change, whatever
// the number of subscribers (referidos_live evaluates a rule per
// subscriber). Superusers hear everything. Binding twice replaces the hooks.
func BindRedLive(app core.App) {
	app.OnRecordAfterCreateSuccess(schema.UsersCollection).Bind(&hook.Handler[*core.RecordEvent]{
		Id: "padronRedLiveCreate",
		Func: func(e *core.RecordEvent) error {
			if hasRedSubscribers(e.App) {
				up, err := tree.Ancestors(e.App, e.Record.Id)
				logRed(e.App, err)
				sendRed(e.App, RedEvent{Action: "registration", Node: e.Record.Id, Parent: e.Record.GetString("referred_by"), Ancestors: up})
			}
			return e.Next()
		},
	})

	// Ancestors before a move or a deletion, kept until it commits or fails.
	keepAcrossUpdate(app, schema.UsersCollection, across{"padronRedLiveBefore", "padronRedLiveError", "padronRedLiveUpdate"},
		func(e *core.RecordEvent) (redChange, bool) {
			orig := originalUser(e)
			var c redChange
			switch {
			case orig.GetString("referred_by") != e.Record.GetString("referred_by"):
				c.action = "move"
			case orig.GetString("role") != e.Record.GetString("role"):
				c.action = "role"
			case orig.GetInt("referral_goal") != e.Record.GetInt("referral_goal") || orig.GetInt("subtree_goal") != e.Record.GetInt("subtree_goal"):
				c.action = "goals"
			default:
				return c, false
			}
			if c.action == "move" && hasRedSubscribers(e.App) {
				var err error
				c.ancestors, err = tree.Ancestors(e.App, e.Record.Id)
				logRed(e.App, err)
			}
			return c, true
		},
		func(e *core.RecordEvent, c redChange) {
			if !hasRedSubscribers(e.App) {
				return
			}
			up, err := tree.Ancestors(e.App, e.Record.Id)
			logRed(e.App, err)
			for _, id := range c.ancestors { // a move: the old chain hears too
				if !slices.Contains(up, id) {
					up = append(up, id)
				}
			}
			sendRed(e.App, RedEvent{Action: c.action, Node: e.Record.Id, Parent: e.Record.GetString("referred_by"), Ancestors: up})
		})

	keepAcrossDelete(app, schema.UsersCollection, across{"padronRedLiveDeleting", "padronRedLiveDeleteError", "padronRedLiveDelete"},
		func(e *core.RecordEvent) (redChange, bool) {
			if !hasRedSubscribers(e.App) {
				return redChange{}, false
			}
			up, err := tree.Ancestors(e.App, e.Record.Id)
			logRed(e.App, err)
			return redChange{action: "delete", ancestors: up}, true
		},
		func(e *core.RecordEvent, c redChange) {
			sendRed(e.App, RedEvent{Action: c.action, Node: e.Record.Id, Parent: e.Record.GetString("referred_by"), Ancestors: c.ancestors})
		})

	// A census answer changes its person's ancestors' breakdowns.
	keepAcrossUpdate(app, schema.CedulaInfoCollection, across{"padronRedLiveCensusBefore", "padronRedLiveCensusError", "padronRedLiveCensus"},
		func(e *core.RecordEvent) (bool, bool) {
			changed := e.Record.Original().GetString("status") != e.Record.GetString("status")
			return changed, changed
		},
		func(e *core.RecordEvent, _ bool) {
			if !hasRedSubscribers(e.App) {
				return
			}
			user := e.Record.GetString("user")
			up, err := tree.Ancestors(e.App, user)
			logRed(e.App, err)
			parent := ""
			if len(up) > 0 {
				parent = up[0]
			}
			sendRed(e.App, RedEvent{Action: "census", Node: user, Parent: parent, Ancestors: up})
		})
}

// redChange is what an update or deletion of a users row does to the network.
type redChange struct {
	action    string
	ancestors []string // before the change (moves, deletions)
}

// isRedTopic tells the RedTopic subscription (with or without options)
// from other topics that merely start with its name.
func isRedTopic(sub string) bool {
	return sub == RedTopic || strings.HasPrefix(sub, RedTopic+"?")
}

// hasRedSubscribers is false when nobody listens, so changes skip the
// ancestors query.
func hasRedSubscribers(app core.App) bool {
	for _, c := range app.SubscriptionsBroker().Clients() {
		for sub := range c.Subscriptions(RedTopic) {
			if isRedTopic(sub) {
				return true
			}
		}
	}
	return false
}

// sendRed delivers ev to the RedTopic subscribers who are Node or one of
// ev.Ancestors (superusers: all), without waiting on slow clients.
func sendRed(app core.App, ev RedEvent) {
	if ev.Ancestors == nil {
		ev.Ancestors = []string{}
	}
	data, err := json.Marshal(ev)
	if err != nil {
		return
	}
	to := make(map[string]bool, len(ev.Ancestors)+1)
	to[ev.Node] = true
	for _, id := range ev.Ancestors {
		to[id] = true
	}
	var out []referidoMessage
	for _, c := range app.SubscriptionsBroker().Clients() {
		auth, _ := c.Get(apis.RealtimeClientAuthKey).(*core.Record)
		if auth == nil || !(auth.IsSuperuser() || (auth.Collection().Name == schema.UsersCollection && to[auth.Id])) {
			continue
		}
		for sub := range c.Subscriptions(RedTopic) {
			if isRedTopic(sub) {
				out = append(out, referidoMessage{client: c, msg: subscriptions.Message{Name: sub, Data: data}})
			}
		}
	}
	send(out)
}

func logRed(app core.App, err error) {
	if err != nil {
		app.Logger().Error("red realtime: ancestors", "error", err)
	}
}
