package checkpoint_test

import (
	"errors"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/padron/padron/apptest"
	"github.com/padron/padron/checkpoint"
)

// bigWrite is more pages than SQLite's automatic checkpoint threshold.
const bigWrite = 1500

func setup(t *testing.T) *tests.TestApp {
	t.Helper()
	app := apptest.NewBareApp(t)
	t.Cleanup(app.Cleanup)
	checkpoint.Bind(app)
	if _, err := app.DB().NewQuery("CREATE TABLE pages (b BLOB)").Execute(); err != nil {
		t.Fatal(err)
	}
	return app
}

// write commits bigWrite pages of blobs, deferring the checkpoint when
// deferred says so, and fails the transaction with fail.
func write(t *testing.T, app core.App, deferred bool, fail error) error {
	t.Helper()
	return app.RunInTransaction(func(tx core.App) error {
		if deferred {
			if err := checkpoint.Defer(tx); err != nil {
				return err
			}
		}
		_, err := tx.DB().NewQuery("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {:n})" +
			" INSERT INTO pages SELECT zeroblob(4000) FROM n").Bind(map[string]any{"n": bigWrite}).Execute()
		if err != nil {
			return err
		}
		return fail
	})
}

func dbSize(t *testing.T, app core.App) int64 {
	t.Helper()
	st, err := os.Stat(filepath.Join(app.DataDir(), "data.db"))
	if err != nil {
		t.Fatal(err)
	}
	return st.Size()
}

func autoCheckpoint(t *testing.T, app core.App) int {
	t.Helper()
	var n int
	if err := app.NonconcurrentDB().NewQuery("PRAGMA wal_autocheckpoint").Row(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestCommitLeavesTheCheckpointToTheRunner: a deferred commit leaves the
// pages in the log (the database file keeps its size) and the writer
// without its automatic checkpoint until the runner has run; then the
// pages are in the file and the setting is back. Without Defer the
// commit itself copies them.
func TestCommitLeavesTheCheckpointToTheRunner(t *testing.T) {
	t.Parallel()
	t.Run("deferred", func(t *testing.T) {
		t.Parallel()
		app := setup(t)
		_, release, _ := checkpoint.HoldRuns(app)
		before := dbSize(t, app)
		if err := write(t, app, true, nil); err != nil {
			t.Fatal(err)
		}
		if got := dbSize(t, app); got != before {
			t.Fatalf("the commit copied the log: data.db %d → %d bytes", before, got)
		}
		if got := autoCheckpoint(t, app); got != 0 {
			t.Fatalf("wal_autocheckpoint before the run = %d, want 0", got)
		}
		release()
		checkpoint.Settle(app)
		if got := dbSize(t, app); got < before+bigWrite*4000 {
			t.Fatalf("after the run data.db is %d bytes, want ≥ %d", got, before+bigWrite*4000)
		}
		if got := autoCheckpoint(t, app); got != 1000 {
			t.Fatalf("wal_autocheckpoint after the run = %d, want 1000", got)
		}
	})
	t.Run("not deferred", func(t *testing.T) {
		t.Parallel()
		app := setup(t)
		before := dbSize(t, app)
		if err := write(t, app, false, nil); err != nil {
			t.Fatal(err)
		}
		if got := dbSize(t, app); got < before+bigWrite*4000 {
			t.Fatalf("the commit left the log uncopied: data.db %d → %d bytes", before, got)
		}
	})
	t.Run("rolled back", func(t *testing.T) {
		t.Parallel()
		app := setup(t)
		boom := errors.New("boom")
		if err := write(t, app, true, boom); !errors.Is(err, boom) {
			t.Fatalf("write: %v, want boom", err)
		}
		checkpoint.Settle(app)
		if got := autoCheckpoint(t, app); got != 1000 {
			t.Fatalf("wal_autocheckpoint after a rollback = %d, want 1000", got)
		}
	})
}

// TestDeferOutsideATransactionOrUnbound does nothing: no runner would
// give the writer its automatic checkpoint back.
func TestDeferOutsideATransactionOrUnbound(t *testing.T) {
	t.Parallel()
	bound := setup(t)
	if err := checkpoint.Defer(bound); err != nil {
		t.Fatal(err)
	}
	if got := autoCheckpoint(t, bound); got != 1000 {
		t.Fatalf("outside a transaction: wal_autocheckpoint = %d, want 1000", got)
	}
	unbound := apptest.NewBareApp(t)
	t.Cleanup(unbound.Cleanup)
	err := unbound.RunInTransaction(func(tx core.App) error { return checkpoint.Defer(tx) })
	if err != nil {
		t.Fatal(err)
	}
	if got := autoCheckpoint(t, unbound); got != 1000 {
		t.Fatalf("unbound app: wal_autocheckpoint = %d, want 1000", got)
	}
}

// TestTerminateWaitsForTheRunInFlight: the app's termination (the
// databases close right after) returns only once the checkpoint it found
// running has ended, and no run starts after it.
func TestTerminateWaitsForTheRunInFlight(t *testing.T) {
	t.Parallel()
	app := apptest.NewBareApp(t)
	checkpoint.Bind(app)
	held, release, runs := checkpoint.HoldRuns(app)
	var ran atomic.Bool
	deferred := func() {
		t.Helper()
		if err := app.RunInTransaction(checkpoint.Defer); err != nil {
			t.Fatal(err)
		}
	}
	deferred()
	select {
	case <-held:
	case <-time.After(10 * time.Second):
		t.Fatal("the deferred checkpoint never started")
	}
	deferred() // due while the first runs: the termination must drop it
	app.OnTerminate().BindFunc(func(e *core.TerminateEvent) error {
		ran.Store(true) // after the runner's handler: it waited
		return e.Next()
	})
	done := make(chan struct{})
	go func() {
		app.Cleanup()
		close(done)
	}()
	deadline := time.Now().Add(10 * time.Second)
	for !checkpoint.Closed(app) {
		if time.Now().After(deadline) {
			t.Fatal("the termination never reached the runner")
		}
		time.Sleep(time.Millisecond)
	}
	if ran.Load() {
		t.Fatal("the termination went on while the checkpoint ran")
	}
	release()
	<-done
	if !ran.Load() {
		t.Fatal("the termination did not finish")
	}
	if n := runs(); n != 1 {
		t.Fatalf("%d checkpoint runs started, want 1 (none after the termination)", n)
	}
}
