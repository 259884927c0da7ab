package bench

import (
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/padron/padron/census"
	"github.com/padron/padron/schema"
	"github.com/padron/padron/tree"
)

// TestDiaDSeed: the Día D campaign is seeded with the shape the section
// says (every member a leader's direct referido), the closure table and
// counters true, and the counters' triggers back in place after the seed
// left them out: a census answer changed afterwards still moves the counts.
func TestDiaDSeed(t *testing.T) {
	t.Parallel()
	sz := diadSizes{people: 303, coordinators: 2, leadersPer: 3}
	dir := filepath.Join(t.TempDir(), "pb_data")
	seed, err := seedPeople(dir, drawDiaD(sz), rand.New(rand.NewPCG(1, 2)), func([]pyramidPerson) []int { return []int{1} })
	if err != nil {
		t.Fatal(err)
	}
	p := seed.people
	if len(p) != 303 || p[1].size != 150 || p[2].size != 150 || p[0].size != 302 {
		t.Fatalf("shape: %d people, root %d, coordinators %d and %d below", len(p), p[0].size, p[1].size, p[2].size)
	}
	roles := map[string]int{}
	for i, q := range p[1+sz.coordinators+sz.coordinators*sz.leadersPer:] {
		if q.depth != 3 || p[q.parent].depth != 2 {
			t.Fatalf("member %d at depth %d under depth %d", i, q.depth, p[q.parent].depth)
		}
	}

	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dir})
	if err := app.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	defer app.ResetBootstrapState()
	var rows []struct{ Role string }
	if err := app.DB().Select("role").From(schema.UsersCollection).All(&rows); err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		roles[r.Role]++
	}
	if roles[schema.RoleCoordinator] != 3 || roles[schema.RoleLeader] != 6 || roles[schema.RoleMember] != 294 {
		t.Fatalf("roles %v, want 3 coordinators, 6 leaders, 294 members", roles)
	}
	if err := tree.Verify(app); err != nil {
		t.Fatalf("seeded tree: %v", err)
	}
	var triggers int
	if err := app.DB().NewQuery("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'network_census_%'").Row(&triggers); err != nil || triggers != 3 {
		t.Fatalf("counters' triggers after the seed: %d (%v), want 3", triggers, err)
	}
	var total int
	if err := app.DB().NewQuery("SELECT sum(total) FROM " + tree.CountsTable + " WHERE node = {:n}").
		Bind(dbx.Params{"n": p[1].id}).Row(&total); err != nil || total != p[1].size {
		t.Fatalf("coordinator 1 counts %d below (%v), want %d", total, err, p[1].size)
	}
	// A census answer that changes after the seed: without the triggers the
	// counters would stay behind and differ from a recount.
	member := p[len(p)-1].id
	var status string
	if err := app.DB().NewQuery("SELECT status FROM " + schema.CedulaInfoCollection + " WHERE user = {:u}").
		Bind(dbx.Params{"u": member}).Row(&status); err != nil {
		t.Fatal(err)
	}
	next := census.StatusNotFound
	if status == next {
		next = census.StatusActive
	}
	if _, err := app.DB().NewQuery("UPDATE " + schema.CedulaInfoCollection + " SET status = {:s} WHERE user = {:u}").
		Bind(dbx.Params{"s": next, "u": member}).Execute(); err != nil {
		t.Fatal(err)
	}
	if err := tree.VerifyCounts(app); err != nil {
		t.Fatalf("after a census change: %v", err)
	}
}
