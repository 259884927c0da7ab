package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/padron/padron/schema"
	"github.com/padron/padron/tree"
)

// TestKill9DuringAMove runs the padron binary on a seeded pyramid and kills
// it with SIGKILL at a random moment while POST /api/red/nodes/{id}/move
// moves a branch of some thousands (issue 16: a move is atomic). After
// each kill the data directory is opened again, as a restart does: the
// closure table and its counters equal a recount of referred_by
// (tree.Verify), nobody is lost, and the branch is whole under its old
// parent or whole under the new one. The first, unkilled, move and back
// times the move, and each kill lands at a random point inside that time.
// The test fails unless at least one kill (of up to eight) cut a move
// before it answered.
func TestKill9DuringAMove(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the server binary")
	}
	t.Parallel()
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "padron")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/padron/padron").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	dataDir := filepath.Join(tmp, "pb_data")
	const people, want = 8_000, 2_000
	var branch, target int
	pyr, err := seedPyramid(dataDir, people, func(p []pyramidPerson) []int {
		branch, target = pickMove(p, want)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	p := pyr.people
	if branch < 0 || target < 0 {
		t.Fatalf("no branch of about %d with a target outside it", want)
	}
	head, from, to := p[branch].id, p[p[branch].parent].id, p[target].id
	size := p[branch].size + 1
	t.Logf("moving a branch of %d people between %s and %s", size, from, to)

	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 16))
	ctx := context.Background()
	start := func() *server {
		t.Helper()
		s, err := startServer(ctx, serverSpec{name: "move", bin: bin, dataDir: dataDir, tmpDir: tmp, logDir: tmp,
			env: map[string]string{"PADRON_WORKER": "false", "PADRON_PUBLIC_DIR": filepath.Join(tmp, "no-frontend"),
				"PADRON_REGISTRAR_URL": "http://127.0.0.1:9/", "PADRON_CHROMIUM": "/nonexistent/chromium"}})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	move := func(s *server, parent string) (time.Duration, error) {
		var out struct{ Moved int }
		d, _, err := newClient(s.base).do(ctx, http.MethodPost, "/api/red/nodes/"+head+"/move", pyr.superToken,
			map[string]any{"parent": parent}, http.StatusOK, &out)
		if err == nil && out.Moved != size {
			err = fmt.Errorf("moved %d, want %d", out.Moved, size)
		}
		return d, err
	}

	// One move there and back, unkilled: how long a move takes here now.
	s := start()
	there, err := move(s, to)
	if err != nil {
		t.Fatal(err)
	}
	back, err := move(s, from)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.stop(); err != nil {
		t.Fatal(err)
	}
	span := min(there, back)
	t.Logf("a move took %v and %v", there.Round(time.Millisecond), back.Round(time.Millisecond))
	checkWhole(t, dataDir, people, head, size, from, to)

	cut := 0
	parent := from
	// Four rounds, and more (up to eight) until a kill cuts a move: a round
	// whose move answered first halves the span the next kill falls in, as
	// the machine may have become faster than when the span was measured.
	for round := 0; round < 4 || (cut == 0 && round < 8); round++ {
		s := start()
		if parent == from {
			parent = to
		} else {
			parent = from
		}
		answered := make(chan error, 1)
		go func() { _, err := move(s, parent); answered <- err }()
		// Chaos: a random moment inside the time a move took.
		delay := span/10 + time.Duration(rng.Int64N(int64(span*8/10)))
		answeredFirst := false
		select {
		case err := <-answered:
			answeredFirst = true
			span /= 2
			t.Logf("round %d: the move answered (%v) before the kill at %v", round, err, delay)
		case <-time.After(delay):
		}
		_ = syscall.Kill(-s.pid(), syscall.SIGKILL)
		<-s.exited
		s.logf.Close()
		if !answeredFirst {
			select {
			case err := <-answered:
				if err != nil {
					cut++
				}
			case <-time.After(30 * time.Second):
				t.Fatal("the move's request outlived the killed server by 30 s")
			}
		}
		where := checkWhole(t, dataDir, people, head, size, from, to)
		t.Logf("round %d: killed %v after the request; the branch is under %s", round, delay.Round(time.Millisecond), where)
		parent = where
	}
	if cut == 0 {
		t.Fatal("no kill landed before a move answered: the test proved nothing")
	}
}

// pickMove picks the branch (depth ≥ 2) nearest want people and a depth-2
// target under another coordinator.
func pickMove(p []pyramidPerson, want int) (branch, target int) {
	top := func(i int) int {
		for p[i].depth > 1 {
			i = p[i].parent
		}
		return i
	}
	branch, target = -1, -1
	for i, q := range p {
		if q.depth >= 2 && (branch < 0 || abs(q.size-want) < abs(p[branch].size-want)) {
			branch = i
		}
	}
	for i, q := range p {
		if branch >= 0 && q.depth == 2 && top(i) != top(branch) {
			return branch, i
		}
	}
	return branch, -1
}

// checkWhole opens dataDir as a restart would and checks nothing is lost
// or half-moved; it answers the branch's parent.
func checkWhole(t *testing.T, dataDir string, people int, head string, size int, from, to string) string {
	t.Helper()
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dataDir})
	if err := app.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	defer app.ResetBootstrapState()
	if err := tree.Verify(app); err != nil {
		t.Fatalf("after the kill: %v", err)
	}
	n, err := app.CountRecords(schema.UsersCollection)
	if err != nil || int(n) != people {
		t.Fatalf("after the kill: %d people (%v), want %d", n, err, people)
	}
	rec, err := app.FindRecordById(schema.UsersCollection, head)
	if err != nil {
		t.Fatal(err)
	}
	parent := rec.GetString("referred_by")
	if parent != from && parent != to {
		t.Fatalf("after the kill the branch is under %q, want %s or %s", parent, from, to)
	}
	below, err := tree.SubtreeSize(app, head)
	if err != nil || below+1 != size {
		t.Fatalf("after the kill the branch has %d people (%v), want %d", below+1, err, size)
	}
	// Every one of them under the same parent (Verify says the closure
	// is the tree; this says the tree did not split).
	inside, err := tree.SubtreeSize(app, parent)
	if err != nil {
		t.Fatal(err)
	}
	var under int
	err = app.DB().NewQuery("SELECT count(*) FROM network WHERE ancestor = {:p} AND descendant IN (SELECT descendant FROM network WHERE ancestor = {:h})").
		Bind(map[string]any{"p": parent, "h": head}).Row(&under)
	if err != nil || under != size || inside < size {
		t.Fatalf("after the kill %d of the branch's %d are under %s (%v)", under, size, parent, err)
	}
	return parent
}
