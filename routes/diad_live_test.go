package routes_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/padron/padron/apptest"
	"github.com/padron/padron/routes"
)

// diadKey is a dia-d event's action and mark id, or "" for other topics.
func diadKey(ev sseEvent) string {
	if ev.Topic != routes.DiaDTopic {
		return ""
	}
	var m struct {
		Action string `json:"action"`
		Record struct {
			ID string `json:"id"`
		} `json:"record"`
	}
	if json.Unmarshal([]byte(ev.Raw), &m) != nil {
		return ""
	}
	return m.Action + " " + m.Record.ID
}

// waitDiaD collects c's events until one has key, or fails at deadline.
func waitDiaD(t testing.TB, c *sseClient, key string, deadline time.Time) {
	t.Helper()
	waitKeyed(t, c, "dia-d", diadKey, key, deadline)
}

// TestDiaDRealtimeFollowsTheMarksRule: a mark reaches, on the dia-d topic,
// the marked person, its author and the leaders and coordinators above the
// person, exactly once each; not a sibling branch, another tree, a member
// above the person (members read only their own marks) or an anonymous
// connection. An undo reaches them too.
func TestDiaDRealtimeFollowsTheMarksRule(t *testing.T) {
	t.Parallel()
	c := apptest.Seeded(t)
	app := setup(t, nil)
	t.Cleanup(app.Cleanup)
	seedPyramid(t, app)
	saveElection(t, app, diadElectionID, true)
	routes.BindDiaDLive(app) // bound twice on purpose: events must not double
	srv := apptest.Serve(t, app)

	tok := func(id string) string { return as(t, id)["Authorization"] }
	const sublider, nieto1 = "redsublider0001", "rednieto1000001"
	hear := map[string]*sseClient{}
	for _, id := range []string{nieto1, miembro1, sublider, lider1, coord} {
		hear[id] = connect(t, srv.URL, id, tok(id), routes.DiaDTopic)
	}
	deaf := map[string]*sseClient{
		"lider2":                     connect(t, srv.URL, "lider2", tok(lider2), routes.DiaDTopic),
		"coord2":                     connect(t, srv.URL, "coord2", tok(coord2), routes.DiaDTopic),
		"leaderA (vote_marks/* too)": connect(t, srv.URL, "leaderA", c.LeaderA.Token, routes.DiaDTopic, "vote_marks/*"),
		"anonymous":                  connect(t, srv.URL, "anonymous", "", routes.DiaDTopic),
	}
	su := connect(t, srv.URL, "superuser", c.Superuser.Token, routes.DiaDTopic)

	// nieto1's mark, made by sublider: miembro1 is a member above nieto1.
	saveRecord(t, app, "vote_marks", "diadlivemark001", map[string]any{"user": nieto1, "election": diadElectionID,
		"marked_by": sublider, "method": "leader", "marked_at": old, "status": "live"})
	deadline := time.Now().Add(10 * time.Second)
	for _, id := range []string{nieto1, sublider, lider1, coord} {
		waitDiaD(t, hear[id], "create diadlivemark001", deadline)
	}
	waitDiaD(t, su, "create diadlivemark001", deadline)
	mark, err := app.FindRecordById("vote_marks", "diadlivemark001")
	if err != nil {
		t.Fatal(err)
	}
	mark.Set("status", "undone")
	if err := app.Save(mark); err != nil {
		t.Fatal(err)
	}
	waitDiaD(t, hear[coord], "update diadlivemark001", deadline)

	// Sentinels, sent after: a mark each outsider does hear.
	saveRecord(t, app, "vote_marks", "diadlivesentin1", map[string]any{"user": miembro1, "election": diadElectionID,
		"marked_by": miembro1, "method": "self", "marked_at": old, "status": "live"})
	waitDiaD(t, hear[miembro1], "create diadlivesentin1", deadline)
	saveRecord(t, app, "vote_marks", "diadlivesentin2", map[string]any{"user": "redmiembro30001", "election": diadElectionID,
		"marked_by": lider2, "method": "leader", "marked_at": old, "status": "live"})
	waitDiaD(t, deaf["lider2"], "create diadlivesentin2", deadline)
	saveRecord(t, app, "vote_marks", "diadlivesentin3", map[string]any{"user": ajeno1, "election": diadElectionID,
		"marked_by": coord2, "method": "leader", "marked_at": old, "status": "live"})
	waitDiaD(t, deaf["coord2"], "create diadlivesentin3", deadline)
	saveRecord(t, app, "vote_marks", "diadlivesentin4", map[string]any{"user": c.MemberA.ID, "election": diadElectionID,
		"marked_by": c.LeaderA.ID, "method": "leader", "marked_at": old, "status": "live"})
	waitDiaD(t, deaf["leaderA (vote_marks/* too)"], "create diadlivesentin4", deadline)

	count := func(cl *sseClient, key string) int {
		cl.drain()
		cl.mu.Lock()
		defer cl.mu.Unlock()
		n := 0
		for _, ev := range cl.got {
			if diadKey(ev) == key {
				n++
			}
		}
		return n
	}
	for _, id := range []string{nieto1, sublider, lider1, coord} {
		if n := count(hear[id], "create diadlivemark001"); n != 1 {
			t.Errorf("%s received the mark %d times, want once", id, n)
		}
	}
	if n := count(hear[miembro1], "create diadlivemark001"); n != 0 {
		t.Errorf("miembro1, a member above the person, received their mark")
	}
	for name, cl := range deaf {
		if n := count(cl, "create diadlivemark001"); n != 0 {
			t.Errorf("%s, outside the person's chain, received the mark", name)
		}
	}
	if n := count(deaf["anonymous"], "create diadlivesentin4"); n != 0 {
		t.Error("anonymous received a mark")
	}
}
