package routes

import (
	"encoding/json"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/routine"
	"github.com/pocketbase/pocketbase/tools/subscriptions"

	"github.com/padron/padron/schema"
)

// BindReferidosLive gives the `referidos` view realtime events. PocketBase
// sends events only for saved records, and a view's rows are never saved:
// so when a users row is created, renamed, moved to another referrer or
// deleted, the clients subscribed to the view get its row, exactly the
// fields the view exposes. Who gets it is the view's own rule, evaluated by
// PocketBase as its realtime API does (the list rule for "referidos/*", the
// view rule for "referidos/{id}"), read at event time: a rule edited in the
// dashboard changes the feed at once. A row leaving someone's view (a
// delete, a move) is checked before the change, while it is still there.
// Binding twice replaces the hooks (they have ids): events never double.
func BindReferidosLive(app core.App) {
	app.OnRecordAfterCreateSuccess(schema.UsersCollection).Bind(&hook.Handler[*core.RecordEvent]{
		Id: "padronReferidosLiveCreate",
		Func: func(e *core.RecordEvent) error {
			send(referidoMessages(e.App, "create", e.Record.Id))
			return e.Next()
		},
	})

	// A change's messages computed before it (a row leaving a view), kept
	// until it commits or fails.
	keepAcrossUpdate(app, schema.UsersCollection, across{"padronReferidosLiveBefore", "padronReferidosLiveError", "padronReferidosLiveUpdate"},
		func(e *core.RecordEvent) (referidoChange, bool) {
			orig := originalUser(e)
			change := referidoChange{
				moved:   orig.GetString("referred_by") != e.Record.GetString("referred_by"),
				renamed: orig.GetString("name") != e.Record.GetString("name"),
			}
			if change.moved {
				change.leaving = referidoMessages(e.App, "delete", e.Record.Id)
			}
			return change, change.moved || change.renamed
		},
		func(e *core.RecordEvent, change referidoChange) {
			if change.moved {
				send(change.leaving)
				send(referidoMessages(e.App, "create", e.Record.Id))
			} else {
				send(referidoMessages(e.App, "update", e.Record.Id))
			}
		})

	keepAcrossDelete(app, schema.UsersCollection, across{"padronReferidosLiveDeleting", "padronReferidosLiveDeleteError", "padronReferidosLiveDelete"},
		func(e *core.RecordEvent) ([]referidoMessage, bool) {
			msgs := referidoMessages(e.App, "delete", e.Record.Id)
			return msgs, len(msgs) > 0
		},
		func(_ *core.RecordEvent, msgs []referidoMessage) { send(msgs) })
}

// referidoChange is what an update of a users row does to the view.
type referidoChange struct {
	moved, renamed bool
	leaving        []referidoMessage // "delete" for those who saw the row before a move
}

// referidoMessage is one event for one client.
type referidoMessage struct {
	client subscriptions.Client
	msg    subscriptions.Message
}

// referidoMessages are the events action makes of userID's row in the
// referidos view, one per subscription whose rule shows the row to its
// client, as PocketBase's realtime decides it for saved records. None when
// nobody subscribes to the view or the row is not in it. The row is read
// through app, so inside a transaction it is the transaction's view.
// Under the shipped rule (schema.ReferidosRule) the row's one reader is
// its referred_by, known from the row itself; a rule edited in the
// dashboard is asked per subscriber (liveAccess).
func referidoMessages(app core.App, action, userID string) []referidoMessage {
	clients := app.SubscriptionsBroker().Clients()
	if len(clients) == 0 {
		return nil
	}
	view, err := app.FindCachedCollectionByNameOrId(schema.ReferidosCollection)
	if err != nil {
		return nil
	}
	rules := map[string]*string{
		view.Name + "/*?":              view.ListRule,
		view.Id + "/*?":                view.ListRule,
		view.Name + "/" + userID + "?": view.ViewRule,
		view.Id + "/" + userID + "?":   view.ViewRule,
	}
	var (
		row    *core.Record
		data   []byte
		out    []referidoMessage
		access = map[*string]mayReceive{} // one decision per rule and event
	)
	for _, client := range clients {
		auth, _ := client.Get(apis.RealtimeClientAuthKey).(*core.Record)
		for prefix, rule := range rules {
			subs := client.Subscriptions(prefix)
			if len(subs) == 0 {
				continue
			}
			if row == nil {
				if row, err = app.FindRecordById(view, userID); err != nil {
					return nil // not (or no longer) in the view
				}
				if data, err = json.Marshal(map[string]any{"action": action, "record": row}); err != nil {
					return nil
				}
			}
			may, ok := access[rule]
			if !ok {
				may = liveAccess(app, row, rule, schema.ReferidosRule, referidoReaders(row))
				access[rule] = may
			}
			for sub, opts := range subs {
				if may(auth, opts) {
					out = append(out, referidoMessage{client: client, msg: subscriptions.Message{Name: sub, Data: data}})
				}
			}
		}
	}
	return out
}

// referidoReaders is schema.ReferidosRule decided for one row of the
// view: its one reader is the person who referred it.
func referidoReaders(row *core.Record) func(auth *core.Record) bool {
	referrer := row.GetString("referred_by")
	return func(auth *core.Record) bool { return referrer != "" && auth.Id == referrer }
}

// send delivers messages without waiting on slow clients.
func send(msgs []referidoMessage) {
	for _, m := range msgs {
		routine.FireAndForget(func() { m.client.Send(m.msg) })
	}
}
