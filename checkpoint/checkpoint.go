// Package checkpoint takes the WAL checkpoint of a large write off the
// request that commits it. SQLite copies the write-ahead log into the
// database file (a checkpoint) inside the commit that makes the log pass
// 1,000 pages; after a write of tens of thousands of pages (a branch of
// 10,000 people moving) that copy is about a fifth of the request. Such a
// transaction calls Defer: its commit skips the copy, and a goroutine of
// the app runs it right after, on a reader's connection, so it holds up
// neither the request nor the one writer. The commit is as durable either
// way: the log is the database until the copy is made.
package checkpoint

import (
	"fmt"
	"sync"

	"github.com/pocketbase/pocketbase/core"
)

// storeKey finds an app's runner in its store (shared by the app and the
// transaction apps it makes).
const storeKey = "padronCheckpointRunner"

// autoPages is SQLite's automatic checkpoint threshold, which PocketBase
// keeps: the writer's connection gets it back after a deferred commit.
const autoPages = 1000

// Bind gives app a runner for deferred checkpoints; app's termination
// stops it and waits for the checkpoint in flight (the databases close
// next). Without Bind, Defer does nothing.
func Bind(app core.App) {
	r := &runner{app: app}
	r.idle = sync.NewCond(&r.mu)
	app.Store().Set(storeKey, r)
	app.OnTerminate().BindFunc(func(e *core.TerminateEvent) error {
		r.close()
		return e.Next()
	})
}

// Defer makes the commit of txApp's transaction leave the checkpoint to
// the runner, which starts once the transaction ends (committed or rolled
// back). Outside a transaction, or on an app not bound, it does nothing.
func Defer(txApp core.App) error {
	info := txApp.TxInfo()
	r, _ := txApp.Store().Get(storeKey).(*runner)
	if info == nil || r == nil {
		return nil
	}
	// The transaction holds the app's one writer connection: the setting
	// is that connection's, read at the commit.
	if _, err := txApp.NonconcurrentDB().NewQuery("PRAGMA wal_autocheckpoint = 0").Execute(); err != nil {
		return fmt.Errorf("defer the checkpoint: %w", err)
	}
	info.OnComplete(func(error) error {
		r.kick()
		return nil
	})
	return nil
}

// Settle returns once no deferred checkpoint is due or running, so a
// benchmark measures each write alone and a test can look at the file.
func Settle(app core.App) {
	if r, _ := app.Store().Get(storeKey).(*runner); r != nil {
		r.settle()
	}
}

// runner runs the deferred checkpoints of one app, one at a time: kicks
// that come while one runs make one more run, not one each.
type runner struct {
	app core.App
	// beforeRun, when set (tests), runs before each checkpoint.
	beforeRun func()

	mu      sync.Mutex
	idle    *sync.Cond // signalled when a run ends
	pending bool
	running bool
	closed  bool
}

func (r *runner) kick() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return
	}
	r.pending = true
	if !r.running {
		r.running = true
		go r.loop()
	}
}

func (r *runner) loop() {
	for {
		r.mu.Lock()
		if !r.pending || r.closed {
			r.running = false
			r.idle.Broadcast()
			r.mu.Unlock()
			return
		}
		r.pending = false
		r.mu.Unlock()
		if r.beforeRun != nil {
			r.beforeRun()
		}
		if err := r.run(); err != nil {
			r.app.Logger().Warn("deferred WAL checkpoint failed", "error", err)
		}
	}
}

// run gives the writer its automatic checkpoint back (a transaction still
// open keeps it off until it ends: the statement waits for the
// connection) and copies the log into the database without waiting on
// readers or the writer (PASSIVE: what a reader still needs waits for the
// next checkpoint).
func (r *runner) run() error {
	if _, err := r.app.NonconcurrentDB().NewQuery(fmt.Sprintf("PRAGMA wal_autocheckpoint = %d", autoPages)).Execute(); err != nil {
		return fmt.Errorf("restore the automatic checkpoint: %w", err)
	}
	if _, err := r.app.ConcurrentDB().NewQuery("PRAGMA wal_checkpoint(PASSIVE)").Execute(); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	return nil
}

// wait blocks until no run is in flight; r.mu is held.
func (r *runner) wait() {
	for r.running {
		r.idle.Wait()
	}
}

func (r *runner) settle() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.wait()
}

// close refuses new runs and returns once the run in flight has ended.
func (r *runner) close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.closed = true
	r.wait()
}
