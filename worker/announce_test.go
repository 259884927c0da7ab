package worker_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/pocketbase/pocketbase/core"
)

// Announce re-emits the after-update event realtime broadcasts from, once per id
// asked (several lanes at once), without writing the records.
func TestAnnounceFiresAfterUpdateWithoutWriting(t *testing.T) {
	t.Parallel()
	e := setup(t, nil)
	var seen atomic.Int32
	var pendingSeen atomic.Int32
	e.app.OnRecordAfterUpdateSuccess("cedula_info").BindFunc(func(ev *core.RecordEvent) error {
		seen.Add(1)
		if ev.Record.GetString("status") == "pending" {
			pendingSeen.Add(1)
		}
		return ev.Next()
	})
	before := e.info(t, e.cast.MemberA.ID).GetString("updated")
	ids := []string{e.info(t, e.cast.MemberA.ID).Id, e.info(t, e.cast.MemberB.ID).Id, "no-such-id"}
	// Repeated ids are announced as often as asked: more than one lane runs.
	ids = append(ids, ids...)
	e.w.Announce(ids)
	waitFor(t, "four announcements", func() bool { return seen.Load() == 4 })
	if err := e.w.Stop(context.Background()); err != nil { // waits for every lane
		t.Fatal(err)
	}
	if n := seen.Load(); n != 4 {
		t.Fatalf("%d announcements for 4 existing records asked", n)
	}
	if pendingSeen.Load() != 4 {
		t.Fatalf("announced state: %d pending of 4", pendingSeen.Load())
	}
	if after := e.info(t, e.cast.MemberA.ID).GetString("updated"); after != before {
		t.Fatalf("announce wrote the record: updated %s → %s", before, after)
	}
}
