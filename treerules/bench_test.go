package treerules_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/subscriptions"

	"github.com/padron/padron/apptest"
	"github.com/padron/padron/realtimeclient"
	"github.com/padron/padron/schema"
	"github.com/padron/padron/treerules"
)

// BenchmarkBroadcastSave times a save with realtime clients listening, as
// the hostile figure of `padron bench` and the census pipeline meet it,
// through PocketBase's rule engine and through the closure-table shortcut:
//   - profile: a member's users save while 8 other members each hold
//     users/*, cedula_info/*, referidos/* and that member's record;
//   - census: a cedula_info save while 50 leaders hold cedula_info/*;
//   - census/pipeline: the same with `padron bench`'s other 950 streams
//     (members on their own record), also with the server's realtime
//     clients (realtimeclient) instead of PocketBase's.
func BenchmarkBroadcastSave(b *testing.B) {
	for _, tc := range []struct {
		name      string
		listeners int
	}{{"profile/quiet", 0}, {"profile/8-hostile", 8}, {"census/50-leaders", 50}, {"census/pipeline", 50}} {
		ways := []string{"engine", "tree"}
		if tc.name == "census/pipeline" {
			ways = append(ways, "tree+client") // and the server's realtime clients
		}
		for _, way := range ways {
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
				if strings.HasPrefix(tc.name, "census/") {
					if save, err = app.FindFirstRecordByData(schema.CedulaInfoCollection, "user", member.Id); err != nil {
						b.Fatal(err)
					}
					field, values = "municipio", []string{"BOGOTA", "MEDELLIN"}
				}
				for i := range tc.listeners {
					role, topics := schema.RoleMember, []string{"users/*", "cedula_info/*", "referidos/*", "users/" + member.Id}
					if strings.HasPrefix(tc.name, "census/") {
						role, topics = schema.RoleLeader, []string{"cedula_info/*"}
					}
					auth := listener(b, app, i, role)
					cl := newClient(way)
					cl.Set(apis.RealtimeClientAuthKey, auth)
					cl.Subscribe(topics...)
					app.SubscriptionsBroker().Register(cl)
					b.Cleanup(func() { app.SubscriptionsBroker().Unregister(cl.Id()) })
				}
				if tc.name == "census/pipeline" {
					// The pipeline bench's other 950 streams: members on their
					// own record, which this save does not match.
					for i := range 950 {
						cl := newClient(way)
						cl.Subscribe(fmt.Sprintf("cedula_info/other%09d", i))
						app.SubscriptionsBroker().Register(cl)
						b.Cleanup(func() { app.SubscriptionsBroker().Unregister(cl.Id()) })
					}
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

// newClient is the realtime client a connection gets: PocketBase's own, or
// the server's (realtimeclient) on the way "tree+client".
func newClient(way string) subscriptions.Client {
	if way == "tree+client" {
		return realtimeclient.Wrap(subscriptions.NewDefaultClient())
	}
	return subscriptions.NewDefaultClient()
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
