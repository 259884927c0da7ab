package realtimeguard_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/padron/padron/apptest"
	"github.com/padron/padron/config"
)

// conn is one SSE connection to /api/realtime and its client id.
type conn struct {
	id     string
	status int
}

// open connects to base's realtime endpoint as address ip (X-Forwarded-For,
// trusted by the test app) and reads PB_CONNECT; status is the connect's
// HTTP status when it was refused.
func open(t *testing.T, base, ip string) conn {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/realtime", nil)
	req.Header.Set("X-Forwarded-For", ip)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Body.Close() })
	if res.StatusCode != http.StatusOK {
		return conn{status: res.StatusCode}
	}
	got := make(chan string, 1)
	go func() {
		r := bufio.NewReader(res.Body)
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			if strings.HasPrefix(line, "id:") {
				got <- strings.TrimSpace(strings.TrimPrefix(line, "id:"))
				_, _ = io.Copy(io.Discard, r)
				return
			}
		}
	}()
	select {
	case id := <-got:
		return conn{id: id, status: http.StatusOK}
	case <-time.After(10 * time.Second):
		t.Fatal("no PB_CONNECT within 10 s")
	}
	return conn{}
}

// subscribe sets c's topics with token (empty: anonymous) and returns the
// status and the error code of the answer.
func subscribe(t *testing.T, base, ip string, c conn, token string, topics ...string) (int, string) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"clientId": c.id, "subscriptions": topics})
	req, _ := http.NewRequest(http.MethodPost, base+"/api/realtime", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Forwarded-For", ip)
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var e struct {
		Message string         `json:"message"`
		Data    map[string]any `json:"data"`
	}
	_ = json.NewDecoder(res.Body).Decode(&e)
	code, _ := e.Data["code"].(string)
	if res.StatusCode != http.StatusNoContent && !strings.ContainsAny(e.Message, "áéíóúñ") && !strings.Contains(e.Message, "Inicia") {
		t.Errorf("refusal %q is not in Spanish", e.Message)
	}
	return res.StatusCode, code
}

func TestRealtimeGuard(t *testing.T) {
	t.Parallel()
	c := apptest.Seeded(t)
	cfg := config.Default()
	cfg.Worker = false
	app := apptest.NewAppWith(t, cfg)
	app.Settings().TrustedProxy.Headers = []string{"X-Forwarded-For"}
	srv := apptest.Serve(t, app)
	base := srv.URL

	manyTopics := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = "cedula_info/rec" + fmt.Sprint(i)
		}
		return out
	}
	withOptions := func(topic string, i int) string {
		return topic + "?options=" + url.QueryEscape(fmt.Sprintf(`{"query":{"n":"%d"}}`, i))
	}
	cases := []struct {
		name, token string
		topics      []string
		status      int
		code        string
	}{
		{"anonymous, a collection's wildcard", "", []string{"cedula_info/*"}, 403, "realtime_auth_required"},
		{"anonymous, one record", "", []string{"users/" + c.MemberA.ID}, 403, "realtime_auth_required"},
		{"anonymous, the collection by its deprecated bare topic", "", []string{"referidos"}, 403, "realtime_auth_required"},
		{"anonymous, PB_CONNECT only (the SDK's reconnect listener)", "", []string{"PB_CONNECT"}, 204, ""},
		{"member, the web app's own topics", c.MemberA.Token, []string{"cedula_info/x", "users/" + c.MemberA.ID, "referidos/*"}, 204, ""},
		{"leader, the referidos table's topics", c.LeaderA.Token, []string{"referidos/*", "users/*", "cedula_info/*"}, 204, ""},
		{"member, 50 topics", c.MemberA.Token, manyTopics(50), 204, ""},
		{"member, 51 topics", c.MemberA.Token, manyTopics(51), 400, "too_many_subscriptions"},
		{"member, one wildcard twice with other options", c.MemberA.Token,
			[]string{withOptions("cedula_info/*", 1), withOptions("cedula_info/*", 2)}, 400, "duplicate_subscription"},
		{"member, a wildcard by name and by bare topic", c.MemberA.Token, []string{"users/*", "users"}, 400, "duplicate_subscription"},
		{"member, one record twice with other options", c.MemberA.Token,
			[]string{withOptions("users/"+c.MemberA.ID, 1), withOptions("users/"+c.MemberA.ID, 2)}, 400, "duplicate_subscription"},
		{"superuser, many wildcards", c.Superuser.Token,
			[]string{withOptions("cedula_info/*", 1), withOptions("cedula_info/*", 2), "users/*", "users"}, 204, ""},
	}
	for i, tc := range cases {
		ip := fmt.Sprintf("198.51.100.%d", i+1)
		cn := open(t, base, ip)
		status, code := subscribe(t, base, ip, cn, tc.token, tc.topics...)
		if status != tc.status || code != tc.code {
			t.Errorf("%s: answered %d %q, want %d %q", tc.name, status, code, tc.status, tc.code)
		}
	}

	t.Run("connections per address", func(t *testing.T) {
		ip := "192.0.2.7"
		for i := range 100 {
			if cn := open(t, base, ip); cn.status != http.StatusOK {
				t.Fatalf("connection %d from one address answered %d, want 200", i+1, cn.status)
			}
		}
		if cn := open(t, base, ip); cn.status != http.StatusTooManyRequests {
			t.Errorf("connection 101 from one address answered %d, want 429", cn.status)
		}
		if cn := open(t, base, "192.0.2.8"); cn.status != http.StatusOK {
			t.Errorf("another address answered %d, want 200", cn.status)
		}
	})

	t.Run("subscribed connections per account", func(t *testing.T) {
		for i := range 10 {
			ip := fmt.Sprintf("192.0.2.%d", 100+i)
			if status, code := subscribe(t, base, ip, open(t, base, ip), c.LeaderB.Token, "referidos/*"); status != 204 {
				t.Fatalf("connection %d of one account answered %d %q, want 204", i+1, status, code)
			}
		}
		ip := "192.0.2.120"
		if status, code := subscribe(t, base, ip, open(t, base, ip), c.LeaderB.Token, "referidos/*"); status != 429 || code != "too_many_realtime_connections" {
			t.Errorf("the account's 11th subscribed connection answered %d %q, want 429 too_many_realtime_connections", status, code)
		}
		ip = "192.0.2.121"
		if status, code := subscribe(t, base, ip, open(t, base, ip), c.Loner.Token, "referidos/*"); status != 204 {
			t.Errorf("another account answered %d %q, want 204", status, code)
		}
	})
}
