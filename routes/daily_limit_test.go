package routes_test

import (
	"encoding/json"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/padron/padron/apptest"
	"github.com/padron/padron/census"
	"github.com/padron/padron/config"
	"github.com/padron/padron/server"
)

// TestMemberRefreshDailyLimit asks for a member's own check again and
// again, each time after the cooldown and the answer: the sixth in a day is
// refused with its wait, a leader's refresh of the same person is not, and
// a day later the member may ask again.
func TestMemberRefreshDailyLimit(t *testing.T) {
	t.Parallel()
	c := apptest.Seeded(t)
	var clock atomic.Int64
	clock.Store(t0.UnixNano())
	now := func() time.Time { return time.Unix(0, clock.Load()).UTC() }
	app := apptest.NewAppWith(t, config.Default(), server.WithoutWorker(), server.WithClock(now))
	srv := apptest.Serve(t, app)

	refresh := func(who apptest.Person, path string) (int, map[string]any) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, srv.URL+path, nil)
		req.Header.Set("Authorization", who.Token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var body map[string]any
		_ = json.NewDecoder(res.Body).Decode(&body)
		return res.StatusCode, body
	}
	answered := func() {
		t.Helper()
		clock.Add(int64(time.Hour)) // past the cooldown
		setInfo(t, app, c.MemberA.ID, census.StatusActive, now().Add(-time.Minute))
	}
	start := now()
	for i := range 5 {
		answered()
		if status, body := refresh(c.MemberA, "/api/census/refresh"); status != http.StatusAccepted {
			t.Fatalf("own refresh %d answered %d %v, want 202", i+1, status, body)
		}
	}
	answered()
	status, body := refresh(c.MemberA, "/api/census/refresh")
	data, _ := body["data"].(map[string]any)
	if status != http.StatusTooManyRequests || data["code"] != "daily_limit" {
		t.Fatalf("sixth own refresh in a day answered %d %v, want 429 daily_limit", status, body)
	}
	// The first of the five leaves the window 24h after it was made.
	if want := start.Add(time.Hour).Add(24 * time.Hour).Sub(now()).Seconds(); data["retry_after"].(float64) != want {
		t.Errorf("retry_after %v, want %v", data["retry_after"], want)
	}
	if msg, _ := body["message"].(string); msg == "" || msg[:10] != "Ya pediste" {
		t.Errorf("message %q is not the Spanish daily-limit message", msg)
	}
	if status, body := refresh(c.LeaderA, "/api/census/refresh/"+c.MemberA.ID); status != http.StatusAccepted {
		t.Errorf("the leader's refresh of the member answered %d %v, want 202 (the daily limit is the member's own)", status, body)
	}
	clock.Add(int64(20 * time.Hour)) // the first refresh is now more than a day old
	setInfo(t, app, c.MemberA.ID, census.StatusActive, now().Add(-time.Minute))
	if status, body := refresh(c.MemberA, "/api/census/refresh"); status != http.StatusAccepted {
		t.Errorf("own refresh a day later answered %d %v, want 202", status, body)
	}
}
