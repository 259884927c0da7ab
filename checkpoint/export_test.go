package checkpoint

import (
	"sync"
	"sync/atomic"

	"github.com/pocketbase/pocketbase/core"
)

// HoldRuns makes app's runner wait before each checkpoint until release
// is called; held is closed once a run waits there (is in flight), and
// runs tells how many runs have started.
func HoldRuns(app core.App) (held <-chan struct{}, release func(), runs func() int64) {
	r := app.Store().Get(storeKey).(*runner)
	hold, waiting := make(chan struct{}), make(chan struct{})
	var once sync.Once
	var n atomic.Int64
	r.beforeRun = func() {
		n.Add(1)
		once.Do(func() { close(waiting) })
		<-hold
	}
	return waiting, func() { close(hold) }, n.Load
}

// Closed reports whether app's runner has been told to stop.
func Closed(app core.App) bool {
	r := app.Store().Get(storeKey).(*runner)
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.closed
}
