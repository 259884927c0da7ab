package metrics_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/padron/padron/apptest"
	"github.com/padron/padron/metrics"
	"github.com/padron/padron/schema"
)

// TestRealtimeTraceStages: a census record's save and its realtime message
// to a subscribed client are timed at each stage (committed, dequeued,
// written), so a slow delivery says where its time went.
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

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/api/realtime", nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	lines := bufio.NewScanner(res.Body)
	lines.Buffer(make([]byte, 1<<16), 1<<20)
	next := func() string { // the next event's data
		for lines.Scan() {
			if data, ok := strings.CutPrefix(lines.Text(), "data:"); ok {
				return data
			}
		}
		t.Fatalf("the stream ended: %v", lines.Err())
		return ""
	}
	var connect struct{ ClientID string }
	if err := json.Unmarshal([]byte(next()), &connect); err != nil || connect.ClientID == "" {
		t.Fatalf("no client id: %v", err)
	}
	sub, _ := http.NewRequest(http.MethodPost, srv.URL+"/api/realtime",
		strings.NewReader(`{"clientId":"`+connect.ClientID+`","subscriptions":["`+schema.CedulaInfoCollection+`/`+info.Id+`"]}`))
	sub.Header.Set("Content-Type", "application/json")
	sub.Header.Set("Authorization", c.MemberA.Token)
	sres, err := http.DefaultClient.Do(sub)
	if err != nil {
		t.Fatal(err)
	}
	sres.Body.Close()
	if sres.StatusCode != http.StatusNoContent {
		t.Fatalf("subscribe: %d", sres.StatusCode)
	}

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
	for stage, want := range map[string]float64{metrics.StageCommitted: 1, metrics.StageDequeued: 1, metrics.StageWritten: 1} {
		l := map[string]string{"stage": stage}
		if got := value(after, name, l) - max(0, value(before, name, l)); got != want {
			t.Errorf("stage %s: %v observations for one save to one client, want %v", stage, got, want)
		}
	}
}
