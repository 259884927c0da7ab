package tree_test

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/padron/padron/apptest"
	"github.com/padron/padron/checkpoint"
	"github.com/padron/padron/tree"
)

// bigSeedDir keeps the 200,000-person pyramid between runs (seeding it
// takes minutes): a copy of the seeded data dir, cloned for every run and
// brought to the current schema by the clone's pending migrations.
// PADRON_RED_BENCH_SEED_DIR sets another place.
func bigSeedDir() string {
	if d := os.Getenv("PADRON_RED_BENCH_SEED_DIR"); d != "" {
		return d
	}
	return filepath.Join(os.TempDir(), "padron-tree-bench-200k-seed3")
}

// bigMoveApp opens the cached 200,000-person pyramid (seeding and caching
// it on the first run) wired as the binary wires it.
func bigMoveApp(b *testing.B) *tests.TestApp {
	dir := bigSeedDir()
	if _, err := os.Stat(filepath.Join(dir, "data.db")); err != nil {
		start := time.Now()
		app := apptest.NewApp(b)
		seedPyramid(b, app, 200_000, 12, "", 3)
		b.Logf("seeded 200,000 people in %v", time.Since(start))
		if err := saveSeed(app, dir); err != nil {
			b.Fatal(err)
		}
		app.Cleanup()
	}
	return apptest.OpenApp(b, dir)
}

// saveSeed copies app's databases, checkpointed, to dir (through a
// sibling temporary dir renamed at the end, so a cut run leaves no half
// seed).
func saveSeed(app core.App, dir string) error {
	for _, db := range []dbx.Builder{app.DB(), app.AuxDB()} {
		if _, err := db.NewQuery("PRAGMA wal_checkpoint(TRUNCATE)").Execute(); err != nil {
			return fmt.Errorf("checkpoint: %w", err)
		}
	}
	tmp := dir + ".tmp"
	_ = os.RemoveAll(tmp)
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		return err
	}
	for _, name := range []string{"data.db", "auxiliary.db"} {
		if err := copyFile(filepath.Join(app.DataDir(), name), filepath.Join(tmp, name)); err != nil {
			return fmt.Errorf("save the seed: %w", err)
		}
	}
	return os.Rename(tmp, dir)
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// BenchmarkMoveBranch10kAt200k moves the depth-2 branch nearest 10,000
// people of the 200,000-person pyramid (12 levels) under a depth-2 person
// of another depth-1 branch and back, one transaction per move as the
// move endpoint does (issue 16: ≤ 2 s). Before each move the writer
// connection's page cache is emptied (PRAGMA shrink_memory), as a move on
// a campaign this size finds most of the branch's pages out of it.
// It prints wall and CPU ms per move and the closure rows a move deletes,
// inserts and shifts.
func BenchmarkMoveBranch10kAt200k(b *testing.B) {
	app := bigMoveApp(b)
	defer app.Cleanup()
	var people []struct {
		ID     string `db:"id"`
		Parent string `db:"referred_by"`
		Depth  int    `db:"depth"`
		Size   int    `db:"size"`
	}
	err := app.DB().NewQuery("SELECT u.id, u.referred_by, (SELECT max(depth) FROM network WHERE descendant = u.id) AS depth," +
		" (SELECT count(*) FROM network WHERE ancestor = u.id) AS size FROM users u WHERE u.id IN" +
		" (SELECT descendant FROM network WHERE depth <= 2 AND ancestor = (SELECT id FROM users WHERE referred_by = '' AND id LIKE 'b03%'))").All(&people)
	if err != nil {
		b.Fatal(err)
	}
	branch, target := -1, -1
	for i, p := range people {
		if p.Depth == 2 && (branch < 0 || abs(p.Size-10_000) < abs(people[branch].Size-10_000)) {
			branch = i
		}
	}
	if branch < 0 {
		b.Fatal("no depth-2 branch")
	}
	for i, p := range people {
		if p.Depth == 2 && p.Parent != people[branch].Parent && (target < 0 || p.Size < people[target].Size) {
			target = i
		}
	}
	if target < 0 {
		b.Fatal("no depth-2 target in another branch")
	}
	head, size := people[branch].ID, people[branch].Size
	parents := []string{people[target].ID, people[branch].Parent}
	// There, the rows to the depth-1 ancestor left are deleted, those to
	// the two reached inserted and those to the root shifted a level; back,
	// the other way: 4 closure rows per person a move, on average.
	b.Logf("branch %s of %d people (depth 2) moves under %s (depth 2) and back: %d closure rows written per move",
		head, size, parents[0], 4*size)
	b.ReportMetric(float64(4*size), "rows/move")
	b.ResetTimer()
	var wall, cpu, settle time.Duration
	for i := range b.N {
		b.StopTimer()
		if _, err := app.NonconcurrentDB().NewQuery("PRAGMA shrink_memory").Execute(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start, c := time.Now(), cpuTime()
		if err := moveTo(app, head, parents[i%2]); err != nil {
			b.Fatal(err)
		}
		wall, cpu = wall+time.Since(start), cpu+cpuTime()-c
		// The checkpoint the move left to the background, timed apart.
		b.StopTimer()
		start = time.Now()
		checkpoint.Settle(app)
		settle += time.Since(start)
		b.StartTimer()
	}
	b.StopTimer()
	b.ReportMetric(float64(wall.Milliseconds())/float64(b.N), "ms/move")
	b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "cpu-ms/move")
	b.ReportMetric(float64(settle.Milliseconds())/float64(b.N), "ckpt-ms/move")
	if os.Getenv("PADRON_RED_BENCH_VERIFY") != "" {
		if err := tree.Verify(app); err != nil {
			b.Fatal(err)
		}
	}
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
