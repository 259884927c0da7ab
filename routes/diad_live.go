package routes

import (
	"encoding/json"
	"strings"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/subscriptions"

	"github.com/padron/padron/schema"
	"github.com/padron/padron/tree"
)

// DiaDTopic is the custom realtime topic of election-day marks: a
// dashboard hears of every mark the vote_marks rule lets it read, with its
// recipients computed once per mark instead of one rule query per
// `vote_marks/*` subscriber inside every mark's save.
const DiaDTopic = "dia-d"

// DiaDEvent is what a DiaDTopic subscriber receives: a vote_marks record
// created or changed (undone), as the records API shows it.
type DiaDEvent struct {
	Action string       `json:"action"`
	Record *core.Record `json:"record"`
}

// BindDiaDLive sends DiaDEvents after each mark's save commits, to the
// subscribers the marks' read rule names: the marked person, whoever made
// the mark, the leaders and coordinators above the person (from the closure
// table, with their roles as they are now) and superusers; and
// DiaDPersonEvents when one of those people changes their messaging
// authorisation or leaves (diad_consent_live.go). Binding twice replaces
// the hooks.
func BindDiaDLive(app core.App) {
	bindDiaDConsentLive(app)
	for action, h := range map[string]*hook.TaggedHook[*core.RecordEvent]{
		"create": app.OnRecordAfterCreateSuccess(schema.VoteMarksCollection),
		"update": app.OnRecordAfterUpdateSuccess(schema.VoteMarksCollection),
	} {
		h.Bind(&hook.Handler[*core.RecordEvent]{
			Id: "padronDiaDLive-" + action,
			Func: func(e *core.RecordEvent) error {
				if hasDiaDSubscribers(e.App) {
					sendDiaD(e.App, DiaDEvent{Action: action, Record: e.Record})
				}
				return e.Next()
			},
		})
	}
}

// isDiaDTopic tells the DiaDTopic subscription (with or without options)
// from other topics that merely start with its name.
func isDiaDTopic(sub string) bool {
	return sub == DiaDTopic || strings.HasPrefix(sub, DiaDTopic+"?")
}

// hasDiaDSubscribers is false when nobody listens, so marks skip the query.
func hasDiaDSubscribers(app core.App) bool {
	for _, c := range app.SubscriptionsBroker().Clients() {
		for sub := range c.Subscriptions(DiaDTopic) {
			if isDiaDTopic(sub) {
				return true
			}
		}
	}
	return false
}

// sendDiaD delivers ev to its recipients' DiaDTopic subscriptions without
// waiting on slow clients.
func sendDiaD(app core.App, ev DiaDEvent) {
	user := ev.Record.GetString("user")
	to, err := tree.ManagersAbove(app, user)
	if err != nil {
		app.Logger().Error("dia-d realtime: managers above", "user", user, "error", err)
		return
	}
	to[user], to[ev.Record.GetString("marked_by")] = true, true
	data, err := json.Marshal(ev)
	if err != nil {
		return
	}
	sendDiaDTo(app, to, data)
}

// sendDiaDTo sends data on the DiaDTopic subscriptions of the users in to
// and of superusers, without waiting on slow clients.
func sendDiaDTo(app core.App, to map[string]bool, data []byte) {
	var out []referidoMessage
	for _, c := range app.SubscriptionsBroker().Clients() {
		auth, _ := c.Get(apis.RealtimeClientAuthKey).(*core.Record)
		if auth == nil || !(auth.IsSuperuser() || (auth.Collection().Name == schema.UsersCollection && to[auth.Id])) {
			continue
		}
		for sub := range c.Subscriptions(DiaDTopic) {
			if isDiaDTopic(sub) {
				out = append(out, referidoMessage{client: c, msg: subscriptions.Message{Name: sub, Data: data}})
			}
		}
	}
	send(out)
}
