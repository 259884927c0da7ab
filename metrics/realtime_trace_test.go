package metrics_test

import (
	"strings"
	"testing"
	"time"

	"github.com/padron/padron/apptest"
	"github.com/padron/padron/metrics"
	"github.com/padron/padron/schema"
)

// TestRealtimeTraceStages: a census record's save and its realtime message
// to a subscribed client are timed at each stage (executed, committed,
// dequeued, written), so a slow delivery says where its time went.
func TestRealtimeTraceStages(t *testing.T) {
	t.Parallel()
	app := appWith(metrics.AllowDefault)(t)
	t.Cleanup(app.Cleanup)
	srv := apptest.Serve(t, app)
	c := apptest.Seeded(t)
	info, err := app.FindFirstRecordByData(schema.CedulaInfoCollection, "user", c.MemberA.ID)
	if err != nil {
		t.Fatal(err)
	}

	next := subscribeOne(t, srv.URL, c.MemberA.Token, schema.CedulaInfoCollection+"/"+info.Id)

	before, _ := scrape(t, srv.URL)
	info.Set("error_detail", "trace")
	if err := app.Save(info); err != nil {
		t.Fatal(err)
	}
	if got := next(); !strings.Contains(got, info.Id) {
		t.Fatalf("the client got %s", got)
	}
	// The written stage is observed after the flush that the client just
	// read, so the scrape waits (with a deadline) for the stages to land.
	const name = "padron_realtime_census_stage_seconds"
	stages := []string{metrics.StageExecuted, metrics.StageCommitted, metrics.StageDequeued, metrics.StageWritten}
	counts := func() map[string]float64 {
		after, _ := scrape(t, srv.URL)
		got := map[string]float64{}
		for _, stage := range stages {
			l := map[string]string{"stage": stage}
			got[stage] = value(after, name, l) - max(0, value(before, name, l))
		}
		return got
	}
	got := counts()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline) && got[metrics.StageWritten] < 1; got = counts() {
		time.Sleep(10 * time.Millisecond)
	}
	for _, stage := range stages {
		if got[stage] != 1 {
			t.Errorf("stage %s: %v observations for one save to one client, want 1", stage, got[stage])
		}
	}
}
