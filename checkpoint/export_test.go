package checkpoint

import "github.com/pocketbase/pocketbase/core"

// HoldRuns makes app's runner wait before each checkpoint until release
// is called.
func HoldRuns(app core.App) (release func()) {
	r := app.Store().Get(storeKey).(*runner)
	hold := make(chan struct{})
	r.beforeRun = func() { <-hold }
	return func() { close(hold) }
}

// Closed reports whether app's runner has been told to stop.
func Closed(app core.App) bool {
	r := app.Store().Get(storeKey).(*runner)
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.closed
}
