package routes_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/padron/padron/apptest"
)

// sseEvent is one realtime message, reduced to what identifies it.
type sseEvent struct {
	Topic  string // the subscription, without options
	Action string
	ID     string
	Marker string // error_message for cedula_info, phone for users
	Raw    string
}

func (e sseEvent) key() string { return e.Topic + " " + e.Action + " " + e.ID + " " + e.Marker }

// sseClient is a real browser-like realtime connection over HTTP.
type sseClient struct {
	name   string
	events chan sseEvent
	mu     sync.Mutex
	got    []sseEvent
}

// connect opens GET /api/realtime, reads PB_CONNECT, then subscribes with
// token (empty: anonymous) to topics, like PocketBase's JS SDK does.
func connect(t testing.TB, base, name, token string, topics ...string) *sseClient {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/realtime", nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s: connect: %v", name, err)
	}
	t.Cleanup(func() { res.Body.Close() })
	if res.StatusCode != 200 {
		t.Fatalf("%s: connect status %d", name, res.StatusCode)
	}
	c := &sseClient{name: name, events: make(chan sseEvent, 256)}
	connected := make(chan string, 1)
	go c.read(bufio.NewReader(res.Body), connected)

	var clientID string
	select {
	case clientID = <-connected:
	case <-time.After(10 * time.Second):
		t.Fatalf("%s: no PB_CONNECT", name)
	}
	subscribe(t, base, name, clientID, token, topics)
	return c
}

// subscribe sets clientID's subscriptions with token (empty: anonymous),
// as the JS SDK's POST /api/realtime does.
func subscribe(t testing.TB, base, name, clientID, token string, topics []string) {
	t.Helper()
	if status := subscribeStatus(t, base, name, clientID, token, topics); status != http.StatusNoContent {
		t.Fatalf("%s: subscribe status %d", name, status)
	}
}

// refusedSubscription connects as token (empty: anonymous) and checks that
// subscribing to topics is refused with want: the realtime guard.
func refusedSubscription(t testing.TB, base, name, token string, want int, topics ...string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/realtime", nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s: connect: %v", name, err)
	}
	defer res.Body.Close()
	c := &sseClient{name: name, events: make(chan sseEvent, 256)}
	connected := make(chan string, 1)
	go c.read(bufio.NewReader(res.Body), connected)
	select {
	case id := <-connected:
		if got := subscribeStatus(t, base, name, id, token, topics); got != want {
			t.Errorf("%s: subscribing to %v answered %d, want %d", name, topics, got, want)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("%s: no PB_CONNECT", name)
	}
}

// subscribeStatus is subscribe's HTTP status.
func subscribeStatus(t testing.TB, base, name, clientID, token string, topics []string) int {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"clientId": clientID, "subscriptions": topics})
	sub, _ := http.NewRequest(http.MethodPost, base+"/api/realtime", strings.NewReader(string(body)))
	sub.Header.Set("Content-Type", "application/json")
	if token != "" {
		sub.Header.Set("Authorization", token)
	}
	sres, err := http.DefaultClient.Do(sub)
	if err != nil {
		t.Fatalf("%s: subscribe: %v", name, err)
	}
	sres.Body.Close()
	return sres.StatusCode
}

// read parses the SSE stream until it ends.
func (c *sseClient) read(r *bufio.Reader, connected chan<- string) {
	defer close(c.events)
	var name, data string
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\n")
		switch {
		case strings.HasPrefix(line, "event:"):
			name = strings.TrimPrefix(line, "event:")
		case strings.HasPrefix(line, "data:"):
			data = strings.TrimPrefix(line, "data:")
		case line == "":
			if name == "PB_CONNECT" {
				var m struct{ ClientID string }
				_ = json.Unmarshal([]byte(data), &m)
				connected <- m.ClientID
			} else if name != "" {
				c.events <- parseEvent(name, data)
			}
			name, data = "", ""
		}
	}
}

func parseEvent(name, data string) sseEvent {
	var m struct {
		Action string         `json:"action"`
		Record map[string]any `json:"record"`
	}
	_ = json.Unmarshal([]byte(data), &m)
	topic, _, _ := strings.Cut(name, "?")
	ev := sseEvent{Topic: topic, Action: m.Action, Raw: data}
	ev.ID, _ = m.Record["id"].(string)
	if topic == "users" {
		ev.Marker, _ = m.Record["phone"].(string)
	} else {
		ev.Marker, _ = m.Record["error_message"].(string)
	}
	return ev
}

// waitFor collects events until every wanted key arrived or the deadline.
func (c *sseClient) waitFor(t testing.TB, want []string, deadline time.Time) {
	t.Helper()
	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	for !c.has(want) {
		select {
		case ev, ok := <-c.events:
			if !ok {
				t.Fatalf("%s: stream closed; got %v", c.name, c.keys())
			}
			c.mu.Lock()
			c.got = append(c.got, ev)
			c.mu.Unlock()
		case <-timer.C:
			t.Fatalf("%s: timed out waiting for %v; got %v", c.name, want, c.keys())
		}
	}
}

func (c *sseClient) has(want []string) bool {
	got := c.keys()
	for _, w := range want {
		if !slices.Contains(got, w) {
			return false
		}
	}
	return true
}

func (c *sseClient) keys() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]string, len(c.got))
	for i, e := range c.got {
		out[i] = e.key()
	}
	return out
}

// drain takes whatever already arrived, without waiting.
func (c *sseClient) drain() {
	for {
		select {
		case ev, ok := <-c.events:
			if !ok {
				return
			}
			c.mu.Lock()
			c.got = append(c.got, ev)
			c.mu.Unlock()
		default:
			return
		}
	}
}

// change is one write done from Go, and who may see it.
type change struct {
	do      func(t *testing.T, app core.App) []string // returns the event keys it causes
	seenBy  []string
	comment string
}

func infoRecord(t *testing.T, app core.App, userID string) *core.Record {
	t.Helper()
	r, err := app.FindFirstRecordByData("cedula_info", "user", userID)
	if err != nil {
		t.Fatalf("cedula_info of %s: %v", userID, err)
	}
	return r
}

// touchInfo saves userID's census record with a marker (and a raw response
// nobody but superusers may read); it returns the event key it causes.
func touchInfo(t *testing.T, app core.App, userID, marker string) string {
	t.Helper()
	r := infoRecord(t, app, userID)
	r.Set("status", "active")
	r.Set("error_message", marker)
	r.Set("raw_response", `{"secreto":"`+marker+`"}`)
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
	return "cedula_info update " + r.Id + " " + marker
}

func touchUser(t *testing.T, app core.App, userID, phone string) string {
	t.Helper()
	u, err := app.FindRecordById("users", userID)
	if err != nil {
		t.Fatal(err)
	}
	u.Set("phone", phone)
	if err := app.Save(u); err != nil {
		t.Fatal(err)
	}
	return "users update " + userID + " " + phone
}

// TestRealtimeNeverLeaks opens real SSE connections as every role, makes
// creates, updates and deletes from Go, and checks each connection got
// exactly the events its role may see: no more, no fewer, no hidden field.
func TestRealtimeNeverLeaks(t *testing.T) {
	t.Parallel()
	c := apptest.Seeded(t)
	app := setup(t, nil)
	t.Cleanup(app.Cleanup)
	srv := apptest.Serve(t, app)

	// LeaderB gets one more referido, deleted during the test.
	addUser(t, app, "refborrado00001", "Dora Borrada", "40000001", "member", c.LeaderB.ID)
	doomedInfo := infoRecord(t, app, "refborrado00001").Id

	expand := "cedula_info?options=" + url.QueryEscape(`{"query":{"expand":"user,user.referred_by"}}`)
	topics := []string{"cedula_info", "users"}
	// Anonymous clients may not even subscribe (the realtime guard).
	refusedSubscription(t, srv.URL, "anonymous", "", http.StatusForbidden, topics...)
	refusedSubscription(t, srv.URL, "anonymous", "", http.StatusForbidden, expand)
	clients := map[string]*sseClient{
		"memberA":   connect(t, srv.URL, "memberA", c.MemberA.Token, expand, "users"),
		"leaderA":   connect(t, srv.URL, "leaderA", c.LeaderA.Token, topics...),
		"leaderB":   connect(t, srv.URL, "leaderB", c.LeaderB.Token, topics...),
		"loner":     connect(t, srv.URL, "loner", c.Loner.Token, topics...),
		"superuser": connect(t, srv.URL, "superuser", c.Superuser.Token, topics...),
		// A leader naming another leader's record explicitly gets nothing either.
		"leaderA-direct": connect(t, srv.URL, "leaderA-direct", c.LeaderA.Token,
			"cedula_info/"+infoRecord(t, app, c.MemberB.ID).Id, "users/"+c.MemberB.ID),
	}
	want := map[string][]string{}
	saw := func(key string, who ...string) {
		for _, w := range append(who, "superuser") {
			want[w] = append(want[w], key)
		}
	}

	// Updates of every user's census record and user record.
	saw(touchInfo(t, app, c.MemberA.ID, "m-memberA"), "memberA", "leaderA")
	saw(touchInfo(t, app, c.MemberB.ID, "m-memberB"), "leaderB")
	saw(touchInfo(t, app, c.LeaderA.ID, "m-leaderA"), "leaderA")
	saw(touchInfo(t, app, c.LeaderB.ID, "m-leaderB"), "leaderB")
	saw(touchInfo(t, app, c.Loner.ID, "m-loner"), "loner")
	saw(touchUser(t, app, c.MemberA.ID, "3100000001"), "memberA", "leaderA")
	saw(touchUser(t, app, c.MemberB.ID, "3100000002"), "leaderB")
	saw(touchUser(t, app, c.Loner.ID, "3100000003"), "loner")

	// A registration through LeaderA: the user and their pending record.
	addUser(t, app, "refnuevo0000001", "Nina Nueva", "40000002", "member", c.LeaderA.ID)
	saw("users create refnuevo0000001 3009876543", "leaderA")
	saw("cedula_info create "+infoRecord(t, app, "refnuevo0000001").Id+" ", "leaderA")

	// LeaderB's referido leaves: both deletes reach LeaderB only.
	doomed, err := app.FindRecordById("users", "refborrado00001")
	if err != nil {
		t.Fatal(err)
	}
	if err := app.Delete(doomed); err != nil {
		t.Fatal(err)
	}
	saw("users delete refborrado00001 3009876543", "leaderB")
	saw("cedula_info delete "+doomedInfo+" ", "leaderB")

	// Two rounds of sentinels, each visible to its own user: when they
	// arrive, every earlier event has long been dispatched.
	self := map[string]apptest.Person{"memberA": c.MemberA, "leaderA": c.LeaderA, "leaderB": c.LeaderB, "loner": c.Loner}
	for round := 1; round <= 2; round++ {
		for name, p := range self {
			key := touchInfo(t, app, p.ID, fmt.Sprintf("sentinel-%d-%s", round, name))
			if name == "memberA" {
				saw(key, name, "leaderA")
			} else {
				saw(key, name)
			}
		}
		deadline := time.Now().Add(15 * time.Second)
		for name, cl := range clients {
			cl.waitFor(t, want[name], deadline)
		}
	}

	for name, cl := range clients {
		cl.drain()
		got, exp := cl.keys(), want[name]
		slices.Sort(got)
		slices.Sort(exp)
		if !slices.Equal(got, exp) {
			t.Errorf("%s got events\n  %s\nwant exactly\n  %s", name, strings.Join(got, "\n  "), strings.Join(exp, "\n  "))
		}
		for _, ev := range cl.got {
			if name != "superuser" && (strings.Contains(ev.Raw, "raw_response") || strings.Contains(ev.Raw, "secreto") ||
				strings.Contains(ev.Raw, "lease_owner")) {
				t.Errorf("%s received a hidden field: %s", name, ev.Raw)
			}
			if name == "superuser" && ev.Topic == "cedula_info" && ev.Action == "update" && !strings.Contains(ev.Raw, "secreto") {
				t.Errorf("superuser did not get raw_response: %s", ev.Raw)
			}
		}
	}
	// The member's expand reaches their own user but never their leader.
	for _, ev := range clients["memberA"].got {
		if ev.Topic == "cedula_info" {
			if !strings.Contains(ev.Raw, "Ana Referida") {
				t.Errorf("memberA's expand=user did not expand their own user: %s", ev.Raw)
			}
			if strings.Contains(ev.Raw, "Lucía") || strings.Contains(ev.Raw, c.LeaderA.Cedula) {
				t.Errorf("memberA's expand=user.referred_by leaked their leader: %s", ev.Raw)
			}
		}
	}
	if len(want["anonymous"]) != 0 || len(want["leaderA-direct"]) != 0 {
		t.Fatal("test bug: anonymous and leaderA-direct must expect nothing")
	}
}

// TestRealtimeDemotedLeader checks that a leader demoted by a superuser
// stops receiving their former referidos' events on the connection they
// already hold (PocketBase refreshes the connection's auth record).
func TestRealtimeDemotedLeader(t *testing.T) {
	t.Parallel()
	c := apptest.Seeded(t)
	app := setup(t, nil)
	t.Cleanup(app.Cleanup)
	srv := apptest.Serve(t, app)
	leader := connect(t, srv.URL, "leaderA", c.LeaderA.Token, "cedula_info")

	before := touchInfo(t, app, c.MemberA.ID, "while-leader")
	leader.waitFor(t, []string{before}, time.Now().Add(10*time.Second))

	u, err := app.FindRecordById("users", c.LeaderA.ID)
	if err != nil {
		t.Fatal(err)
	}
	u.Set("role", "member")
	if err := app.Save(u); err != nil {
		t.Fatal(err)
	}
	touchInfo(t, app, c.MemberA.ID, "after-demotion")
	sentinel := touchInfo(t, app, c.LeaderA.ID, "sentinel")
	leader.waitFor(t, []string{sentinel}, time.Now().Add(10*time.Second))
	leader.drain()
	for _, k := range leader.keys() {
		if strings.Contains(k, "after-demotion") {
			t.Fatalf("demoted leader still received a referido's event: %s", k)
		}
	}
}
