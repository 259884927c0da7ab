package routes_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/padron/padron/apptest"
	"github.com/padron/padron/routes"
)

// redKey is a red event's action and node, or "" for other topics.
func redKey(ev sseEvent) string {
	if ev.Topic != routes.RedTopic {
		return ""
	}
	var m routes.RedEvent
	if json.Unmarshal([]byte(ev.Raw), &m) != nil {
		return ""
	}
	return m.Action + " " + m.Node
}

// waitRed collects c's events until one has key, or fails at deadline.
func waitRed(t testing.TB, c *sseClient, key string, deadline time.Time) {
	t.Helper()
	waitKeyed(t, c, "red", redKey, key, deadline)
}

// waitKeyed collects c's events until one whose keyOf is key arrives, or
// fails at deadline; topic names the wait in the failure.
func waitKeyed(t testing.TB, c *sseClient, topic string, keyOf func(sseEvent) string, key string, deadline time.Time) {
	t.Helper()
	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	for {
		c.mu.Lock()
		found := slices.ContainsFunc(c.got, func(ev sseEvent) bool { return keyOf(ev) == key })
		c.mu.Unlock()
		if found {
			return
		}
		select {
		case ev, ok := <-c.events:
			if !ok {
				t.Fatalf("%s: stream closed", c.name)
			}
			c.mu.Lock()
			c.got = append(c.got, ev)
			c.mu.Unlock()
		case <-timer.C:
			t.Fatalf("%s: timed out waiting for %s %q", c.name, topic, key)
		}
	}
}

// TestRedRealtimeReachesAncestorsOnly: a registration at depth 10 reaches
// the red subscriptions of all 10 people above it, and nobody else's: not
// a sibling branch, not another tree, not an anonymous connection (which
// realtimeguard lets subscribe to the custom topic, and which hears nothing).
func TestRedRealtimeReachesAncestorsOnly(t *testing.T) {
	t.Parallel()
	c := apptest.Seeded(t)
	app := apptest.NewApp(t)
	t.Cleanup(app.Cleanup)
	routes.BindRedLive(app) // bound twice on purpose: events must not double
	srv := apptest.Serve(t, app)

	users, err := app.FindCollectionByNameOrId("users")
	if err != nil {
		t.Fatal(err)
	}
	next := 70000000
	add := func(id, parent string) *core.Record {
		t.Helper()
		next++
		r := core.NewRecord(users)
		r.Id = id
		r.Set("name", "Persona Red")
		r.Set("cedula", fmt.Sprint(next))
		r.Set("phone", "3001234567")
		r.Set("role", "leader")
		r.Set("referred_by", parent)
		r.SetRaw("password", &core.PasswordFieldValue{Hash: passwordHash(t, app)})
		if err := app.Save(r); err != nil {
			t.Fatalf("add %s: %v", id, err)
		}
		return r
	}
	var chain []*sseClient
	parent := ""
	for i := range 10 {
		r := add(fmt.Sprintf("redchain%07d", i), parent)
		parent = r.Id
		tok, err := r.NewAuthToken()
		if err != nil {
			t.Fatal(err)
		}
		chain = append(chain, connect(t, srv.URL, r.Id, tok, routes.RedTopic))
	}
	sibling := add("redsibling00001", "redchain0000004")
	tok, err := sibling.NewAuthToken()
	if err != nil {
		t.Fatal(err)
	}
	sib := connect(t, srv.URL, "sibling", tok, routes.RedTopic)
	other := connect(t, srv.URL, "leaderA", c.LeaderA.Token, routes.RedTopic, "users/*")
	anon := connect(t, srv.URL, "anonymous", "", routes.RedTopic)

	deadline := time.Now().Add(10 * time.Second)
	add("rednewcomer0001", parent) // depth 10: ten people above
	for _, cl := range chain {
		waitRed(t, cl, "registration rednewcomer0001", deadline)
	}
	// Sentinels, sent after: a registration each outsider does hear.
	add("redsentinel0001", sibling.Id)
	waitRed(t, sib, "registration redsentinel0001", deadline)
	add("redsentinel0002", c.LeaderA.ID)
	waitRed(t, other, "registration redsentinel0002", deadline)

	for _, cl := range append(slices.Clone(chain), sib, other, anon) {
		cl.drain()
		cl.mu.Lock()
		n := 0
		for _, ev := range cl.got {
			if redKey(ev) == "registration rednewcomer0001" {
				n++
			}
			if cl == anon && ev.Topic == routes.RedTopic {
				t.Errorf("anonymous received %s", ev.Raw)
			}
		}
		cl.mu.Unlock()
		inChain := slices.Contains(chain, cl)
		if inChain && n != 1 {
			t.Errorf("%s received the registration %d times, want once", cl.name, n)
		}
		if !inChain && n != 0 {
			t.Errorf("%s, outside the newcomer's chain, received its registration", cl.name)
		}
	}
}
