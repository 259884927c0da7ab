package treerules_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"github.com/padron/padron/apptest"
	"github.com/padron/padron/schema"
	"github.com/padron/padron/treerules"
)

// pyramid adds, under the seeded cast, a coordinator with two leaders, a
// member with a referido of their own two levels down, and a sub-leader,
// so every kind of pair (self, above, below, sibling, cousin) exists.
func pyramid(t *testing.T, app core.App) {
	t.Helper()
	users, err := app.FindCollectionByNameOrId(schema.UsersCollection)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{}
	for i, p := range []struct{ name, role, parent string }{
		{"coord", schema.RoleCoordinator, ""},
		{"lead1", schema.RoleLeader, "coord"},
		{"lead2", schema.RoleLeader, "coord"},
		{"mem1", schema.RoleMember, "lead1"},
		{"mem2", schema.RoleMember, "mem1"},
		{"sub1", schema.RoleLeader, "mem1"},
		{"mem3", schema.RoleMember, "sub1"},
		{"mem4", schema.RoleMember, "lead2"},
	} {
		r := core.NewRecord(users)
		r.Set("name", "Persona "+[]string{"Alba", "Bruna", "Celia", "Dora", "Elsa", "Fina", "Gala", "Hilda"}[i])
		r.Set("cedula", fmt.Sprintf("3000%04d", i))
		r.Set("phone", "3001234567")
		r.Set("role", p.role)
		r.Set("referral_code", fmt.Sprintf("TREE%04d", i))
		r.Set("referred_by", ids[p.parent])
		r.Set("data_policy_version", schema.PolicyVersion)
		r.SetPassword(apptest.Password)
		if err := app.Save(r); err != nil {
			t.Fatalf("%s: %v", p.name, err)
		}
		ids[p.name] = r.Id
	}
}

// compare asks both PocketBase's rule engine and the checker whether each
// user (and nobody) may see each record of the collection under its list
// and view rules, fails on any difference, and returns how many checks
// said yes and no, so a caller can tell the comparison covered both.
func compare(t *testing.T, app core.App, collection string) (yes, no int) {
	t.Helper()
	col, err := app.FindCollectionByNameOrId(collection)
	if err != nil {
		t.Fatal(err)
	}
	records, err := app.FindAllRecords(col)
	if err != nil {
		t.Fatal(err)
	}
	viewers, err := app.FindAllRecords(schema.UsersCollection)
	if err != nil {
		t.Fatal(err)
	}
	viewers = append(viewers, nil)
	fast := treerules.Checker(app)
	remembering := treerules.EventChecker(app) // one memory across every pair
	for _, v := range viewers {
		info := &core.RequestInfo{Context: core.RequestInfoContextRealtime, Method: "GET", Auth: v}
		for _, rec := range records {
			for _, rule := range []*string{col.ListRule, col.ViewRule} {
				want, err := app.CanAccessRecord(rec, info, rule)
				if err != nil {
					t.Fatal(err)
				}
				got, err := fast.CanAccessRecord(rec, info, rule)
				if err != nil {
					t.Fatal(err)
				}
				remembered, err := remembering.CanAccessRecord(rec, info, rule)
				if err != nil {
					t.Fatal(err)
				}
				if remembered != got {
					t.Fatalf("%s: %s: the event's memory says %v, a fresh read %v", collection, rec.Id, remembered, got)
				}
				if got != want {
					name := "nobody"
					if v != nil {
						name = v.GetString("name")
					}
					t.Fatalf("%s: %s sees %s: checker %v, rule engine %v", collection, name, rec.Id, got, want)
				}
				if got {
					yes++
				} else {
					no++
				}
			}
		}
	}
	return yes, no
}

func TestSameAnswersAsTheRuleEngine(t *testing.T) {
	t.Parallel()
	app := apptest.NewApp(t)
	t.Cleanup(app.Cleanup)
	pyramid(t, app)
	for _, name := range []string{schema.UsersCollection, schema.CedulaInfoCollection, schema.NetworkCollection} {
		col, err := app.FindCachedCollectionByNameOrId(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := treerules.TreeField(app, col, *col.ListRule); !ok {
			t.Fatalf("%s: the shipped rule %q is not answered by the closure table", name, *col.ListRule)
		}
		yes, no := compare(t, app, name)
		if yes == 0 || no == 0 {
			t.Fatalf("%s: %d visible and %d hidden pairs: the comparison must cover both", name, yes, no)
		}
	}
}

func TestEditedRuleGoesToTheRuleEngine(t *testing.T) {
	t.Parallel()
	app := apptest.NewApp(t)
	t.Cleanup(app.Cleanup)
	pyramid(t, app)
	col, err := app.FindCollectionByNameOrId(schema.UsersCollection)
	if err != nil {
		t.Fatal(err)
	}
	// Members see each other too: an answer the closure table never gives.
	edited := *col.ListRule + ` || @request.auth.role = "` + schema.RoleMember + `"`
	col.ListRule, col.ViewRule = &edited, &edited
	if err := app.Save(col); err != nil {
		t.Fatal(err)
	}
	if _, ok := treerules.TreeField(app, col, edited); ok {
		t.Fatal("an edited rule was taken for the shipped one")
	}
	if yes, no := compare(t, app, schema.UsersCollection); yes == 0 || no == 0 {
		t.Fatalf("%d visible and %d hidden pairs: the comparison must cover both", yes, no)
	}
}

func TestTheBroadcastSeesTheChecker(t *testing.T) {
	t.Parallel()
	app := apptest.NewApp(t)
	t.Cleanup(app.Cleanup)
	c := apptest.Seeded(t)
	// Bound after server.Build at PocketBase's realtime priority: it runs
	// where the broadcast runs, after the shortcut's wrapper.
	var mu sync.Mutex
	seen := map[string]bool{}
	spy := func(event string) *hook.Handler[*core.ModelEvent] {
		return &hook.Handler[*core.ModelEvent]{Priority: -99, Func: func(e *core.ModelEvent) error {
			if treerules.IsChecker(e.App) {
				mu.Lock()
				seen[event] = true
				mu.Unlock()
			}
			return e.Next()
		}}
	}
	app.OnModelAfterUpdateSuccess().Bind(spy("update"))
	app.OnModelAfterCreateSuccess().Bind(spy("create"))
	rec, err := app.FindRecordById(schema.UsersCollection, c.MemberA.ID)
	if err != nil {
		t.Fatal(err)
	}
	rec.Set("name", "Ana Cambiada")
	if err := app.Save(rec); err != nil {
		t.Fatal(err)
	}
	pyramid(t, app)
	for _, ev := range []string{"update", "create"} {
		if !seen[ev] {
			t.Errorf("%s: the after-success hooks got PocketBase's app, not the checker", ev)
		}
	}
	if treerules.IsChecker(app) {
		t.Fatal("the app itself was replaced")
	}
}
