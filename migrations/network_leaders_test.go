package migrations

import (
	"fmt"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/padron/padron/schema"
	"github.com/padron/padron/tree"
)

// The leaders per node and level are counted for a campaign whose
// counters were made before the column (the down step drops it), kept by
// the users trigger on role afterwards, and the step may run twice.
func TestNetworkLeaders(t *testing.T) {
	t.Parallel()
	app, err := tests.NewTestApp(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer app.Cleanup()
	users, err := app.FindCollectionByNameOrId(schema.UsersCollection)
	if err != nil {
		t.Fatal(err)
	}
	// root (coordinator) → a (leader) → b (member) → c (leader)
	var people []*core.Record
	for i, role := range []string{schema.RoleCoordinator, schema.RoleLeader, schema.RoleMember, schema.RoleLeader} {
		r := core.NewRecord(users)
		r.Set("name", "Persona")
		r.Set("cedula", fmt.Sprintf("3000%d", i))
		r.Set("phone", "3001234567")
		r.Set("role", role)
		r.Set("referral_code", fmt.Sprintf("LEAD%04d", i))
		if i > 0 {
			r.Set("referred_by", people[i-1].Id)
		}
		r.SetPassword("clave-segura-123")
		if err := app.Save(r); err != nil {
			t.Fatal(err)
		}
		people = append(people, r)
	}
	if err := tree.Rebuild(app); err != nil { // no hooks here: the closure by hand
		t.Fatal(err)
	}
	if err := downNetworkLeaders(app); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := upNetworkLeaders(app); err != nil {
			t.Fatal(err)
		}
	}
	below := func(who *core.Record) int {
		t.Helper()
		n, err := tree.LeadersBelow(app, who.Id)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if got := below(people[0]); got != 2 {
		t.Fatalf("leaders below the root after the backfill = %d, want 2", got)
	}
	for _, step := range []struct {
		who        int
		role       string
		root, a, b int
	}{
		{2, schema.RoleCoordinator, 3, 2, 1},
		{3, schema.RoleMember, 2, 1, 0},
		{1, schema.RoleMember, 1, 1, 0},
	} {
		people[step.who].Set("role", step.role)
		if err := app.Save(people[step.who]); err != nil {
			t.Fatal(err)
		}
		if r, a, b := below(people[0]), below(people[1]), below(people[2]); r != step.root || a != step.a || b != step.b {
			t.Fatalf("person %d made %s: leaders below root, a, b = %d, %d, %d; want %d, %d, %d",
				step.who, step.role, r, a, b, step.root, step.a, step.b)
		}
	}
	if err := tree.VerifyCounts(app); err != nil {
		t.Fatal(err)
	}
}
