package routes

import (
	"sync"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
)

// across names the three hooks of one change watched by a live feed: before
// the write, after it failed, after it succeeded. Named hooks make binding
// twice replace them, so events never double.
type across struct{ before, failed, done string }

// keepAcrossUpdate is the live feeds' shape for updates of collection: what
// only the record's state before the change can tell (who saw it, its old
// ancestors) is computed by before, kept while the write runs, handed to
// done once it commits and forgotten if it fails.
func keepAcrossUpdate[T any](app core.App, collection string, ids across, before func(*core.RecordEvent) (T, bool), done func(*core.RecordEvent, T)) {
	var kept sync.Map // *core.Record -> T
	app.OnRecordUpdate(collection).Bind(&hook.Handler[*core.RecordEvent]{Id: ids.before, Func: keep(&kept, before)})
	app.OnRecordAfterUpdateError(collection).Bind(&hook.Handler[*core.RecordErrorEvent]{Id: ids.failed, Func: forget(&kept)})
	app.OnRecordAfterUpdateSuccess(collection).Bind(&hook.Handler[*core.RecordEvent]{Id: ids.done, Func: handOver(&kept, done)})
}

// keepAcrossDelete is keepAcrossUpdate for deletions of collection.
func keepAcrossDelete[T any](app core.App, collection string, ids across, before func(*core.RecordEvent) (T, bool), done func(*core.RecordEvent, T)) {
	var kept sync.Map // *core.Record -> T
	app.OnRecordDelete(collection).Bind(&hook.Handler[*core.RecordEvent]{Id: ids.before, Func: keep(&kept, before)})
	app.OnRecordAfterDeleteError(collection).Bind(&hook.Handler[*core.RecordErrorEvent]{Id: ids.failed, Func: forget(&kept)})
	app.OnRecordAfterDeleteSuccess(collection).Bind(&hook.Handler[*core.RecordEvent]{Id: ids.done, Func: handOver(&kept, done)})
}

func keep[T any](kept *sync.Map, before func(*core.RecordEvent) (T, bool)) func(*core.RecordEvent) error {
	return func(e *core.RecordEvent) error {
		if v, ok := before(e); ok {
			kept.Store(e.Record, v)
		}
		return e.Next()
	}
}

func forget(kept *sync.Map) func(*core.RecordErrorEvent) error {
	return func(e *core.RecordErrorEvent) error {
		kept.Delete(e.Record)
		return e.Next()
	}
}

func handOver[T any](kept *sync.Map, done func(*core.RecordEvent, T)) func(*core.RecordEvent) error {
	return func(e *core.RecordEvent) error {
		if v, ok := kept.LoadAndDelete(e.Record); ok {
			done(e, v.(T))
		}
		return e.Next()
	}
}

// originalUser is a users record as it is in the database before e's
// change: a record built in Go and saved twice has no original of its own.
func originalUser(e *core.RecordEvent) *core.Record {
	orig := e.Record.Original()
	if orig.Id == "" {
		if fresh, err := e.App.FindRecordById(e.Record.Collection(), e.Record.Id); err == nil {
			return fresh
		}
	}
	return orig
}
