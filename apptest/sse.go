package apptest

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

// Subscribe opens a realtime stream on base (a Serve server) as token's
// holder (empty: anonymous) and subscribes it to topic, for tests that
// watch what one client receives. next returns the data of the next event
// and fails the test when the stream ends; the stream closes with the test
// or after 30 s.
func Subscribe(t testing.TB, base, token, topic string) (clientID string, next func() string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/realtime", nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Body.Close() })
	lines := bufio.NewScanner(res.Body)
	lines.Buffer(make([]byte, 1<<16), 1<<20)
	next = func() string {
		for lines.Scan() {
			if data, ok := strings.CutPrefix(lines.Text(), "data:"); ok {
				return data
			}
		}
		t.Fatalf("apptest: the stream ended: %v", lines.Err())
		return ""
	}
	var connect struct{ ClientID string }
	if err := json.Unmarshal([]byte(next()), &connect); err != nil || connect.ClientID == "" {
		t.Fatalf("apptest: realtime: no client id: %v", err)
	}
	sub, _ := http.NewRequest(http.MethodPost, base+"/api/realtime",
		strings.NewReader(`{"clientId":"`+connect.ClientID+`","subscriptions":["`+topic+`"]}`))
	sub.Header.Set("Content-Type", "application/json")
	if token != "" {
		sub.Header.Set("Authorization", token)
	}
	sres, err := http.DefaultClient.Do(sub)
	if err != nil {
		t.Fatal(err)
	}
	sres.Body.Close()
	if sres.StatusCode != http.StatusNoContent {
		t.Fatalf("apptest: realtime: subscribe %s: %d", topic, sres.StatusCode)
	}
	return connect.ClientID, next
}
