package treerules_test

import (
	"fmt"
	"testing"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/subscriptions"

	"github.com/padron/padron/apptest"
	"github.com/padron/padron/schema"
	"github.com/padron/padron/treerules"
)

// BenchmarkBroadcastSave times a save with realtime clients listening, as
// the hostile figure of `padron bench` and the census pipeline meet it,
// through PocketBase's rule engine and through the closure-table shortcut:
//   - profile: a member's users save while 8 other members each hold
//     users/*, cedula_info/*, referidos/* and that member's record;
//   - census: a cedula_info save while 50 leaders hold cedula_info/*.
func BenchmarkBroadcastSave(b *testing.B) {
	for _, tc := range []struct {
		name      string
		listeners int
	}{{"profile/quiet", 0}, {"profile/8-hostile", 8}, {"census/50-leaders", 50}} {
		for _, way := range []string{"engine", "tree"} {
			b.Run(tc.name+"/"+way, func(b *testing.B) {
				app := apptest.NewApp(b)
				b.Cleanup(app.Cleanup)
				apptest.Serve(b, app) // binds PocketBase's realtime broadcast
				if way == "engine" {
					app.OnModelAfterCreateSuccess().Unbind(treerules.CreateHookID)
					app.OnModelAfterUpdateSuccess().Unbind(treerules.UpdateHookID)
				}
				c := apptest.Seeded(b)
				member, err := app.FindRecordById(schema.UsersCollection, c.MemberA.ID)
				if err != nil {
					b.Fatal(err)
				}
				save, field, values := member, "name", []string{"Persona Alfa", "Persona Beta"}
				if tc.name == "census/50-leaders" {
					if save, err = app.FindFirstRecordByData(schema.CedulaInfoCollection, "user", member.Id); err != nil {
						b.Fatal(err)
					}
					field, values = "municipio", []string{"BOGOTA", "MEDELLIN"}
				}
				for i := range tc.listeners {
					role, topics := schema.RoleMember, []string{"users/*", "cedula_info/*", "referidos/*", "users/" + member.Id}
					if tc.name == "census/50-leaders" {
						role, topics = schema.RoleLeader, []string{"cedula_info/*"}
					}
					auth := listener(b, app, i, role)
					cl := subscriptions.NewDefaultClient()
					cl.Set(apis.RealtimeClientAuthKey, auth)
					cl.Subscribe(topics...)
					app.SubscriptionsBroker().Register(cl)
					b.Cleanup(func() { app.SubscriptionsBroker().Unregister(cl.Id()) })
				}
				i := 0
				for b.Loop() {
					save.Set(field, values[i%2])
					i++
					if err := app.Save(save); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// listener saves the i-th listening user with role, outside everyone's
// subtree but their own.
func listener(b *testing.B, app core.App, i int, role string) *core.Record {
	b.Helper()
	users, err := app.FindCachedCollectionByNameOrId(schema.UsersCollection)
	if err != nil {
		b.Fatal(err)
	}
	r := core.NewRecord(users)
	r.Set("name", "Persona Oyente")
	r.Set("cedula", fmt.Sprintf("4000%04d", i))
	r.Set("phone", "3001234567")
	r.Set("role", role)
	r.Set("referral_code", fmt.Sprintf("LIST%04d", i))
	r.Set("data_policy_version", schema.PolicyVersion)
	r.SetPassword(apptest.Password)
	if err := app.Save(r); err != nil {
		b.Fatal(err)
	}
	return r
}
