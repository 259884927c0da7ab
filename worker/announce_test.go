package worker_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/pocketbase/pocketbase/core"
)

// Announce re-emits the after-update event realtime broadcasts from, once per id
// asked, without writing the records: a small batch before it returns, a
// large one in background lanes.
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
	a, b := e.info(t, e.cast.MemberA.ID).Id, e.info(t, e.cast.MemberB.ID).Id

	// Small: done when Announce returns.
	e.w.Announce([]string{a, b, "no-such-id"})
	if n := seen.Load(); n != 2 {
		t.Fatalf("%d announcements when Announce returned, want 2", n)
	}

	// Large: repeated ids are announced as often as asked, by several lanes.
	var large []string
	for range 6 {
		large = append(large, a, b, "no-such-id")
	}
	e.w.Announce(large)
	waitFor(t, "14 announcements", func() bool { return seen.Load() == 14 })
	if err := e.w.Stop(context.Background()); err != nil { // waits for every lane
		t.Fatal(err)
	}
	if n := seen.Load(); n != 14 {
		t.Fatalf("%d announcements for 14 existing records asked", n)
	}
	if pendingSeen.Load() != 14 {
		t.Fatalf("announced state: %d pending of 14", pendingSeen.Load())
	}
	if after := e.info(t, e.cast.MemberA.ID).GetString("updated"); after != before {
		t.Fatalf("announce wrote the record: updated %s → %s", before, after)
	}
}
