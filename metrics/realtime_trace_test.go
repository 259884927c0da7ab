package metrics_test

import (
	"strings"
	"testing"

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
	after, _ := scrape(t, srv.URL)
	const name = "padron_realtime_census_stage_seconds"
	for stage, want := range map[string]float64{metrics.StageExecuted: 1, metrics.StageCommitted: 1, metrics.StageDequeued: 1, metrics.StageWritten: 1} {
		l := map[string]string{"stage": stage}
		if got := value(after, name, l) - max(0, value(before, name, l)); got != want {
			t.Errorf("stage %s: %v observations for one save to one client, want %v", stage, got, want)
		}
	}
}
