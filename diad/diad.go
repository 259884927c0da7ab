// Package diad binds election day's record hooks: an election's default
// hours and the one current election, the open-hours guard, idempotent
// re-sends, conflicts and undo of "ya votó" marks, testigo assignments one
// per mesa, and E-14 reports flagged when their counts do not add up.
package diad

import (
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// Config is what the hooks need beyond the app.
type Config struct {
	// Now is the clock the open hours, the late window and the undo window
	// are measured on. Default time.Now.
	Now func() time.Time
}

// Bind registers every election-day hook on app.
func Bind(app core.App, cfg Config) {
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	bindElections(app)
	bindMarks(app, now)
	bindTestigos(app)
	bindE14(app, now)
}
