package habeas

import "sync"

// runGate keeps the purge job off a closed app: the cron ticker can fire a
// run just before the app terminates, and that run reads the database the
// termination closes. Termination closes the gate and waits for the run in
// flight; runs after that do nothing.
type runGate struct {
	mu     sync.Mutex
	closed bool
	runs   sync.WaitGroup
}

// enter reports whether a run may start; when it may, leave must follow.
func (g *runGate) enter() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return false
	}
	g.runs.Add(1)
	return true
}

func (g *runGate) leave() { g.runs.Done() }

// close refuses new runs and returns once the runs in flight have ended.
func (g *runGate) close() {
	g.mu.Lock()
	g.closed = true
	g.mu.Unlock()
	g.runs.Wait()
}
