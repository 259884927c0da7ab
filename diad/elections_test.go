package diad_test

import (
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/padron/padron/diad"
)

func TestElectionDefaultsAndOneCurrent(t *testing.T) {
	t.Parallel()
	app, _ := newApp(t, cot(6, 0))
	defer app.Cleanup()
	first, err := app.FindRecordById("elections", electionID)
	if err != nil {
		t.Fatal(err)
	}
	h := diad.HoursOf(first)
	if got := h.Opens.In(diad.Colombia).Format("2006-01-02 15:04"); got != "2026-03-08 08:00" {
		t.Errorf("opens_at %s, want 2026-03-08 08:00 COT", got)
	}
	if got := h.Closes.In(diad.Colombia).Format("2006-01-02 15:04"); got != "2026-03-08 16:00" {
		t.Errorf("closes_at %s, want 2026-03-08 16:00 COT", got)
	}

	col, _ := app.FindCollectionByNameOrId("elections")
	second := core.NewRecord(col)
	second.Set("name", "Presidencia 2026")
	second.Set("date", time.Date(2026, 5, 31, 0, 0, 0, 0, time.UTC))
	second.Set("opens_at", time.Date(2026, 5, 31, 12, 0, 0, 0, time.UTC))
	second.Set("current", true)
	if err := app.Save(second); err != nil {
		t.Fatal(err)
	}
	if got := diad.HoursOf(second).Opens; !got.Equal(time.Date(2026, 5, 31, 12, 0, 0, 0, time.UTC)) {
		t.Errorf("a given opens_at was replaced: %v", got)
	}
	cur, err := diad.Current(app)
	if err != nil || cur == nil || cur.Id != second.Id {
		t.Fatalf("current = %v, %v; want the second election", cur, err)
	}
	first, _ = app.FindRecordById("elections", electionID)
	if first.GetBool("current") {
		t.Error("the first election is still current")
	}
}
