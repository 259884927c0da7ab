package routes_test

import (
	"fmt"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"github.com/padron/padron/apptest"
	"github.com/padron/padron/routes"
	"github.com/padron/padron/schema"
)

// liveTree is the seeded cast plus a coordinator's branch four levels deep
// (coordinator → leader → member → member), each person's auth record as
// a realtime client holds it.
type liveTree struct {
	app   core.App
	auths map[string]*core.Record // name -> auth; "anonymous" -> nil
}

func newLiveTree(t *testing.T) *liveTree {
	t.Helper()
	c := apptest.Seeded(t)
	app := apptest.NewApp(t)
	t.Cleanup(app.Cleanup)
	users, err := app.FindCollectionByNameOrId(schema.UsersCollection)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{"leaderA": c.LeaderA.ID, "leaderB": c.LeaderB.ID, "memberA": c.MemberA.ID, "memberB": c.MemberB.ID, "loner": c.Loner.ID}
	for i, p := range []struct{ name, role, parent string }{
		{"coord", schema.RoleCoordinator, ""},
		{"leader2", schema.RoleLeader, "coord"},
		{"member2", schema.RoleMember, "leader2"},
		{"member3", schema.RoleMember, "member2"},
		{"memberA2", schema.RoleMember, "memberA"}, // below a member, under leaderA
	} {
		r := core.NewRecord(users)
		r.Set("name", "Persona "+[]string{"Uno", "Dos", "Tres", "Cuatro", "Cinco"}[i])
		r.Set("cedula", fmt.Sprint(71000000+i))
		r.Set("phone", "3001234567")
		r.Set("role", p.role)
		r.Set("referred_by", ids[p.parent])
		r.SetPassword(apptest.Password)
		if err := app.Save(r); err != nil {
			t.Fatal(err)
		}
		ids[p.name] = r.Id
	}
	lt := &liveTree{app: app, auths: map[string]*core.Record{"anonymous": nil}}
	for name, id := range ids {
		if lt.auths[name], err = app.FindRecordById(schema.UsersCollection, id); err != nil {
			t.Fatal(err)
		}
	}
	if lt.auths["superuser"], err = app.FindRecordById(core.CollectionNameSuperusers, c.Superuser.ID); err != nil {
		t.Fatal(err)
	}

	return lt
}

// TestLiveFastPathsAgreeWithTheRules: for every subscriber (each role,
// every branch, a superuser, anonymous) and every record, the feeds' fast
// paths under the shipped rules answer exactly what PocketBase's rule
// engine answers for the same rule text, and both sometimes say yes and
// sometimes no.
func TestLiveFastPathsAgreeWithTheRules(t *testing.T) {
	t.Parallel()
	lt := newLiveTree(t)
	refRule := schema.ReferidosRule
	view, err := lt.app.FindCollectionByNameOrId(schema.ReferidosCollection)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := lt.app.FindAllRecords(view)
	if err != nil || len(rows) < 5 {
		t.Fatalf("referidos rows: %d, %v", len(rows), err)
	}
	yes, no := 0, 0
	check := func(what string, fast, engine func(*core.Record) bool) {
		for name, auth := range lt.auths {
			f, e := fast(auth), engine(auth)
			if f != e {
				t.Errorf("%s, subscriber %s: fast path %v, rule engine %v", what, name, f, e)
			}
			if e {
				yes++
			} else {
				no++
			}
		}
	}
	for _, row := range rows {
		check("referido "+row.Id,
			routes.ReferidoAccess(lt.app, row, &refRule, schema.ReferidosRule),
			routes.ReferidoAccess(lt.app, row, &refRule, ""))
	}
	if yes < 10 || no < 10 {
		t.Errorf("the cases do not discriminate: %d yes, %d no", yes, no)
	}
}

// TestLiveAccessFollowsAnEditedRule: a stored rule other than the shipped
// one is asked of the rule engine, so the fast path cannot outlive an edit.
func TestLiveAccessFollowsAnEditedRule(t *testing.T) {
	t.Parallel()
	lt := newLiveTree(t)
	view, err := lt.app.FindCollectionByNameOrId(schema.ReferidosCollection)
	if err != nil {
		t.Fatal(err)
	}
	row, err := lt.app.FindRecordById(view, lt.auths["member3"].Id) // referred by member2, below leader2
	if err != nil {
		t.Fatal(err)
	}
	edited := "referred_by.referred_by = @request.auth.id" // grandparents only
	may := routes.ReferidoAccess(lt.app, row, &edited, schema.ReferidosRule)
	for name, want := range map[string]bool{"leader2": true, "member2": false, "coord": false, "superuser": true, "anonymous": false} {
		if got := may(lt.auths[name]); got != want {
			t.Errorf("edited rule, %s: %v, want %v", name, got, want)
		}
	}
	if routes.IsShipped(nil, schema.ReferidosRule) || routes.IsShipped(new(string), "") {
		t.Error("nil and empty rules must never be taken for the shipped one")
	}
}
