package demo

import (
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/padron/padron/census"
	"github.com/padron/padron/schema"
	"github.com/padron/padron/tree"
)

func TestGenerateShapesAPyramid(t *testing.T) {
	t.Parallel()
	for _, n := range []int{MinPeople, 300, 5000} {
		c, err := Generate(Options{People: n, Seed: 7})
		if err != nil {
			t.Fatal(err)
		}
		if len(c.People) != n {
			t.Fatalf("%d people, want %d", len(c.People), n)
		}
		if d := c.Depth(); d != MaxDepth {
			t.Errorf("n=%d: depth %d, want %d (eight levels)", n, d, MaxDepth)
		}
		cedulas := map[string]bool{}
		roles := map[string]int{}
		statuses := map[string]int{}
		for i, p := range c.People {
			if i > 0 && (p.Parent < 0 || p.Parent >= i) {
				t.Fatalf("person %d's referrer %d does not come before them", i, p.Parent)
			}
			if i > 0 && !p.Created.After(c.People[p.Parent].Created) {
				t.Errorf("person %d registered before their referrer", i)
			}
			if cedulas[p.Cedula] {
				t.Errorf("cédula %s drawn twice", p.Cedula)
			}
			cedulas[p.Cedula] = true
			if p.Answer.Cedula != p.Cedula {
				t.Errorf("person %d's fake answer is for %s", i, p.Answer.Cedula)
			}
			roles[p.Role]++
			statuses[p.Status]++
		}
		if c.People[0].Role != RoleCoordinator || c.People[0].Subtree != n-1 {
			t.Errorf("the root is %s with %d below, want the coordinator above everyone", c.People[0].Role, c.People[0].Subtree)
		}
		if roles[RoleCoordinator] < 3 || roles[RoleLeader] < 3 || roles[RoleMember] < n/2 {
			t.Errorf("n=%d: roles %v", n, roles)
		}
		if statuses[census.StatusPending] < 3 || statuses[census.StatusActive] < n/2 {
			t.Errorf("n=%d: statuses %v", n, statuses)
		}
		if n >= 300 && (statuses[census.StatusNotFound] == 0 || statuses[census.StatusCancelledDeceased]+statuses[census.StatusCancelledOther] == 0) {
			t.Errorf("n=%d: no census problems among %v", n, statuses)
		}
		if c.Leader < 0 || c.Member < 0 || c.People[c.Leader].Role != RoleLeader || c.People[c.Member].Role != RoleMember {
			t.Errorf("n=%d: logins leader %d member %d", n, c.Leader, c.Member)
		}
	}
}

func TestGenerateIsReproducible(t *testing.T) {
	t.Parallel()
	now := time.Now()
	a, _ := Generate(Options{People: 200, Seed: 3, Now: now})
	b, _ := Generate(Options{People: 200, Seed: 3, Now: now})
	for i := range a.People {
		if a.People[i].Cedula != b.People[i].Cedula || a.People[i].Parent != b.People[i].Parent {
			t.Fatalf("person %d differs between two draws of one seed", i)
		}
	}
	if _, err := Generate(Options{People: MinPeople - 1}); err == nil {
		t.Error("a campaign below MinPeople was drawn")
	}
}

// The rows Seed inserts around the hooks must be rows the collections
// accept: every field's own validation passes on every record.
func TestSeedRecordsAreValid(t *testing.T) {
	t.Parallel()
	c, err := Generate(Options{People: 120})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if _, err := SeedDir(dir, c); err != nil {
		t.Fatal(err)
	}
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dir})
	if err := app.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	defer app.ResetBootstrapState()
	for _, col := range []string{schema.UsersCollection, schema.CedulaInfoCollection} {
		recs, err := app.FindAllRecords(col)
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != len(c.People) {
			t.Errorf("%d %s records, want %d", len(recs), col, len(c.People))
		}
		for _, r := range recs {
			if err := app.Validate(r); err != nil {
				t.Errorf("%s %s: %v", col, r.Id, err)
			}
		}
	}
	if err := tree.Verify(app); err != nil {
		t.Errorf("closure table: %v", err)
	}
	if d, err := tree.Depth(app, c.People[len(c.People)-1].ID); err != nil || d != c.People[len(c.People)-1].Depth {
		t.Errorf("last person's depth in the closure: %d (%v), want %d", d, err, c.People[len(c.People)-1].Depth)
	}
	u, err := app.FindFirstRecordByData(schema.UsersCollection, "cedula", c.People[c.Member].Cedula)
	if err != nil {
		t.Fatal(err)
	}
	if !u.ValidatePassword(Password) {
		t.Error("the member's password is not the demo password")
	}
	if got := u.GetDateTime("created").Time(); !got.Equal(c.People[c.Member].Created) {
		t.Errorf("member registered %v, want %v", got, c.People[c.Member].Created)
	}
}
