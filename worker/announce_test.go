package worker_test

import (
	"sync/atomic"
	"testing"

	"github.com/pocketbase/pocketbase/core"
)

// Announce re-emits the after-update event realtime broadcasts from, once per
// record, without writing the records.
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
	e.w.Announce(ids)
	waitFor(t, "two announcements", func() bool { return seen.Load() == 2 })
	if pendingSeen.Load() != 2 {
		t.Fatalf("announced state: %d pending of 2", pendingSeen.Load())
	}
	if after := e.info(t, e.cast.MemberA.ID).GetString("updated"); after != before {
		t.Fatalf("announce wrote the record: updated %s → %s", before, after)
	}
}
