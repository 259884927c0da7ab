package tree_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/padron/padron/apptest"
	"github.com/padron/padron/census"
	"github.com/padron/padron/schema"
	"github.com/padron/padron/tree"
)

// addPerson registers a person under parent through app.Save, as every
// registration path does (the hooks keep the closure).
func addPerson(t testing.TB, app core.App, id, parent string) *core.Record {
	t.Helper()
	col, err := app.FindCachedCollectionByNameOrId("users")
	if err != nil {
		t.Fatal(err)
	}
	r := core.NewRecord(col)
	r.Id = id
	r.Set("name", "Persona Prueba")
	r.Set("cedula", fmt.Sprint(500000000+rand.IntN(400000000)))
	r.Set("phone", "3001234567")
	r.Set("role", "member")
	r.Set("referred_by", parent)
	r.SetRaw("password", &core.PasswordFieldValue{Hash: "$2a$04$notarealhashnotarealhashnotarealhashnotarealhas"})
	if err := app.Save(r); err != nil {
		t.Fatalf("add %s under %q: %v", id, parent, err)
	}
	return r
}

func id(i int) string { return fmt.Sprintf("tree%011d", i) }

func TestChainOfTwelveLevels(t *testing.T) {
	t.Parallel()
	app := apptest.NewApp(t)
	defer app.Cleanup()
	parent := ""
	for i := range 14 {
		addPerson(t, app, id(i), parent)
		parent = id(i)
	}
	if err := tree.Verify(app); err != nil {
		t.Fatal(err)
	}
	up, err := tree.Ancestors(app, id(13))
	if err != nil {
		t.Fatal(err)
	}
	if len(up) != 13 || up[0] != id(12) || up[12] != id(0) {
		t.Fatalf("ancestors of the 14th = %v, want 13 nearest first", up)
	}
	if d, _ := tree.Depth(app, id(13)); d != 13 {
		t.Errorf("depth = %d, want 13", d)
	}
	nodes, err := tree.Nodes(app, []string{id(0), id(1)}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if n := nodes[id(0)]; n.SubtreeCount != 13 || len(n.Levels) != 13 || n.DirectCount != 1 || n.Census.Pendientes != 13 || n.Joined7d != 13 {
		t.Errorf("root node = %+v (census %+v)", n, n.Census)
	}
	if n := nodes[id(1)]; n.SubtreeCount != 12 || n.ReferredByName != "Persona Prueba" {
		t.Errorf("second node = %+v", n)
	}
}

// TestDeletionInTheMiddle: a person in the middle of a branch deletes
// their account (habeas data); their referidos, with their own branches,
// move up to the deleted person's referrer.
func TestDeletionInTheMiddle(t *testing.T) {
	t.Parallel()
	app := apptest.NewApp(t)
	defer app.Cleanup()
	// 0 <- 1 <- 2 <- {3 <- 5, 4}
	addPerson(t, app, id(0), "")
	addPerson(t, app, id(1), id(0))
	gone := addPerson(t, app, id(2), id(1))
	addPerson(t, app, id(3), id(2))
	addPerson(t, app, id(4), id(2))
	addPerson(t, app, id(5), id(3))
	if err := app.Delete(gone); err != nil {
		t.Fatal(err)
	}
	if err := tree.Verify(app); err != nil {
		t.Fatal(err)
	}
	for _, child := range []string{id(3), id(4)} {
		r, err := app.FindRecordById("users", child)
		if err != nil {
			t.Fatal(err)
		}
		if got := r.GetString("referred_by"); got != id(1) {
			t.Errorf("%s referred_by = %q, want the deleted person's referrer %s", child, got, id(1))
		}
	}
	if d, _ := tree.Depth(app, id(5)); d != 3 {
		t.Errorf("depth of the grandchild = %d, want 3 (one level up)", d)
	}
	if n, _ := tree.SubtreeSize(app, id(0)); n != 4 {
		t.Errorf("root's subtree = %d, want 4", n)
	}
}

// TestClosureEqualsTheTree is the property: after random registrations,
// moves (including refused cycles), deletions, census answers and role
// changes, the closure table is exactly the tree referred_by draws and
// the counters a recount of it.
func TestClosureEqualsTheTree(t *testing.T) {
	t.Parallel()
	for seed := range uint64(3) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			t.Parallel()
			app := apptest.NewApp(t)
			defer app.Cleanup()
			rng := rand.New(rand.NewPCG(seed, 16))
			var alive []string
			next := 0
			pick := func() string { return alive[rng.IntN(len(alive))] }
			for step := range 300 {
				switch r := rng.IntN(12); {
				case r == 10 && len(alive) > 0:
					setCensus(t, app, pick(), census.Statuses[rng.IntN(len(census.Statuses))], fmt.Sprint("Municipio ", rng.IntN(3)))
				case r == 11 && len(alive) > 0:
					rec, err := app.FindRecordById("users", pick())
					if err != nil {
						t.Fatal(err)
					}
					rec.Set("role", []string{schema.RoleMember, schema.RoleLeader, schema.RoleCoordinator}[rng.IntN(3)])
					if err := app.SaveNoValidate(rec); err != nil {
						t.Fatalf("step %d: role: %v", step, err)
					}
				case r < 5 || len(alive) < 3:
					parent := ""
					if len(alive) > 0 && rng.IntN(8) > 0 {
						parent = pick()
					}
					addPerson(t, app, id(next), parent)
					alive = append(alive, id(next))
					next++
				case r < 8:
					who, parent := pick(), pick()
					if rng.IntN(6) == 0 {
						parent = ""
					}
					err := app.RunInTransaction(func(tx core.App) error {
						rec, err := tx.FindRecordById("users", who)
						if err != nil {
							return err
						}
						rec.Set("referred_by", parent)
						return tx.SaveNoValidate(rec)
					})
					if cycle, _ := isCycle(app, who, parent); err != nil && !cycle {
						t.Fatalf("step %d: move %s under %s: %v", step, who, parent, err)
					}
				default:
					i := rng.IntN(len(alive))
					rec, err := app.FindRecordById("users", alive[i])
					if err != nil {
						t.Fatal(err)
					}
					if err := app.Delete(rec); err != nil {
						t.Fatalf("step %d: delete: %v", step, err)
					}
					alive = append(alive[:i], alive[i+1:]...)
				}
				if step%50 == 49 {
					if err := tree.Verify(app); err != nil {
						t.Fatalf("step %d: %v", step, err)
					}
				}
			}
			if err := tree.Verify(app); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// setCensus gives who's census record a status and a place, as a check's
// answer does (the triggers move them between groups and places).
func setCensus(t testing.TB, app core.App, who, status, municipio string) {
	t.Helper()
	rec, err := app.FindFirstRecordByData("cedula_info", "user", who)
	if err != nil {
		t.Fatalf("census record of %s: %v", who, err)
	}
	rec.Set("status", status)
	rec.Set("departamento", "Antioquia")
	rec.Set("municipio", municipio)
	rec.Set("puesto", "Puesto 1")
	if err := app.SaveNoValidate(rec); err != nil {
		t.Fatalf("census of %s: %v", who, err)
	}
}

// isCycle tells whether putting who under parent was a cycle (refused).
func isCycle(app core.App, who, parent string) (bool, error) {
	if parent == "" {
		return false, nil
	}
	return tree.IsBelow(app, parent, who, 0)
}

// TestMovesRacingRegistrations: registrations under a branch while the
// branch moves back and forth leave the closure equal to the tree (SQLite's
// one writer orders them; each is one transaction).
func TestMovesRacingRegistrations(t *testing.T) {
	t.Parallel()
	app := apptest.NewApp(t)
	defer app.Cleanup()
	addPerson(t, app, id(0), "")
	addPerson(t, app, id(1), id(0))
	addPerson(t, app, id(2), id(0))
	addPerson(t, app, id(3), id(1)) // the branch that moves
	addPerson(t, app, id(4), id(3))
	done := make(chan error, 1)
	go func() {
		parents := []string{id(2), id(1)}
		for i := range 30 {
			err := app.RunInTransaction(func(tx core.App) error {
				rec, err := tx.FindRecordById("users", id(3))
				if err != nil {
					return err
				}
				rec.Set("referred_by", parents[i%2])
				return tx.SaveNoValidate(rec)
			})
			if err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	for i := range 30 {
		parent := id(4)
		if i%2 == 0 {
			parent = id(3)
		}
		addPerson(t, app, id(100+i), parent)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := tree.Verify(app); err != nil {
		t.Fatal(err)
	}
	if n, _ := tree.SubtreeSize(app, id(3)); n != 31 {
		t.Errorf("the moving branch has %d below, want 31", n)
	}
}

// TestVerifyCatchesCounterDrift: Verify fails when a counter differs from
// a recount (so the property test above can fail), and Rebuild repairs it.
func TestVerifyCatchesCounterDrift(t *testing.T) {
	t.Parallel()
	app := apptest.NewApp(t)
	defer app.Cleanup()
	addPerson(t, app, id(0), "")
	addPerson(t, app, id(1), id(0))
	addPerson(t, app, id(2), id(1))
	setCensus(t, app, id(2), census.StatusActive, "Medellín")
	if err := tree.Verify(app); err != nil {
		t.Fatal(err)
	}
	nodes, err := tree.Nodes(app, []string{id(0)}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if n := nodes[id(0)]; n.SubtreeCount != 2 || n.Census.Habilitados != 1 || n.Census.Pendientes != 1 || len(n.Levels) != 2 {
		t.Fatalf("root node = %+v (census %+v)", n, n.Census)
	}
	for _, q := range []string{
		"UPDATE network_counts SET habilitados = 5 WHERE node = '" + id(0) + "' AND depth = 2",
		"INSERT INTO network_days (node, day, n) VALUES ('" + id(1) + "', '2020-01-01', 3)",
		"DELETE FROM network_places WHERE node = '" + id(1) + "'",
	} {
		if _, err := app.DB().NewQuery(q).Execute(); err != nil {
			t.Fatal(err)
		}
		if err := tree.Verify(app); err == nil {
			t.Errorf("Verify passed after %q", q)
		}
		if err := tree.Rebuild(app); err != nil {
			t.Fatal(err)
		}
		if err := tree.Verify(app); err != nil {
			t.Fatalf("after Rebuild: %v", err)
		}
	}
}
