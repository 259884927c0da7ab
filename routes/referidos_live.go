package routes

import (
	"encoding/json"
	"github.com/padron/padron/schema"
	"sync"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/routine"
	"github.com/pocketbase/pocketbase/tools/subscriptions"
)

// bindReferidosLive gives the `referidos` view realtime events. PocketBase
// sends events only for saved records, and a view's rows are never saved:
// so when a users row with a referrer is created, renamed, moved or
// deleted, the referrer (and superusers) subscribed to "referidos/*" get
// the view's row, exactly the fields the view exposes. The rule is the
// view's own: referred_by = the subscriber. Checked in memory, no query.
func bindReferidosLive(app core.App) {
	// Ids make binding twice (ServePublic called again) replace, not repeat.
	app.OnRecordAfterCreateSuccess(schema.UsersCollection).Bind(&hook.Handler[*core.RecordEvent]{
		Id: "padronReferidosLiveCreate",
		Func: func(e *core.RecordEvent) error {
			broadcastReferido(e.App, "create", e.Record, e.Record.GetString("referred_by"))
			return e.Next()
		},
	})
	// What a referido looked like before an update: the after-success hook
	// runs once the row is committed, when its original may be gone.
	var before sync.Map // *core.Record -> referidoState
	app.OnRecordUpdate(schema.UsersCollection).Bind(&hook.Handler[*core.RecordEvent]{Id: "padronReferidosLiveBefore", Func: func(e *core.RecordEvent) error {
		orig := e.Record.Original()
		if orig.Id == "" { // a record built in Go and saved twice has no original
			if fresh, err := e.App.FindRecordById(schema.UsersCollection, e.Record.Id); err == nil {
				orig = fresh
			}
		}
		before.Store(e.Record, referidoState{referrer: orig.GetString("referred_by"), name: orig.GetString("name")})
		return e.Next()
	}})
	app.OnRecordAfterUpdateError(schema.UsersCollection).Bind(&hook.Handler[*core.RecordErrorEvent]{Id: "padronReferidosLiveError", Func: func(e *core.RecordErrorEvent) error {
		before.Delete(e.Record)
		return e.Next()
	}})
	app.OnRecordAfterUpdateSuccess(schema.UsersCollection).Bind(&hook.Handler[*core.RecordEvent]{Id: "padronReferidosLiveUpdate", Func: func(e *core.RecordEvent) error {
		v, ok := before.LoadAndDelete(e.Record)
		if !ok {
			return e.Next()
		}
		was := v.(referidoState)
		now := e.Record.GetString("referred_by")
		switch {
		case now != was.referrer:
			broadcastReferido(e.App, "delete", e.Record, was.referrer)
			broadcastReferido(e.App, "create", e.Record, now)
		case e.Record.GetString("name") != was.name:
			broadcastReferido(e.App, "update", e.Record, now)
		}
		return e.Next()
	}})
	app.OnRecordAfterDeleteSuccess(schema.UsersCollection).Bind(&hook.Handler[*core.RecordEvent]{Id: "padronReferidosLiveDelete", Func: func(e *core.RecordEvent) error {
		broadcastReferido(e.App, "delete", e.Record, e.Record.GetString("referred_by"))
		return e.Next()
	}})
}

type referidoState struct{ referrer, name string }

func broadcastReferido(app core.App, action string, user *core.Record, referrer string) {
	if referrer == "" {
		return
	}
	clients := app.SubscriptionsBroker().Clients()
	if len(clients) == 0 {
		return
	}
	view, err := app.FindCachedCollectionByNameOrId(schema.ReferidosCollection)
	if err != nil {
		return
	}
	row := core.NewRecord(view)
	row.Id = user.Id
	row.Set("name", user.GetString("name"))
	row.Set("created", user.GetRaw("created"))
	row.Set("referred_by", referrer)
	data, err := json.Marshal(map[string]any{"action": action, "record": row})
	if err != nil {
		return
	}
	prefixes := []string{view.Name + "/*?", view.Id + "/*?", view.Name + "/" + user.Id + "?", view.Id + "/" + user.Id + "?"}
	for _, client := range clients {
		subs := client.Subscriptions(prefixes...)
		if len(subs) == 0 {
			continue
		}
		auth, _ := client.Get(apis.RealtimeClientAuthKey).(*core.Record)
		if auth == nil || !(auth.IsSuperuser() || (auth.Collection().Name == schema.UsersCollection && auth.Id == referrer)) {
			continue
		}
		for sub := range subs {
			msg := subscriptions.Message{Name: sub, Data: data}
			c := client
			routine.FireAndForget(func() { c.Send(msg) })
		}
	}
}
