package routes_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/padron/padron/apptest"
	"github.com/padron/padron/routes"
)

// personKey is a dia-d person event's action, id and consent, or "" for
// marks and other topics.
func personKey(ev sseEvent) string {
	if ev.Topic != routes.DiaDTopic {
		return ""
	}
	var m routes.DiaDPersonEvent
	if json.Unmarshal([]byte(ev.Raw), &m) != nil || m.Person.ID == "" {
		return ""
	}
	return fmt.Sprintf("%s %s %t", m.Action, m.Person.ID, m.Person.ContactConsent)
}

// setConsent saves id's contact_consent (or, with consent nil, renames them).
func setConsent(t *testing.T, app core.App, id string, consent *bool) {
	t.Helper()
	u, err := app.FindRecordById("users", id)
	if err != nil {
		t.Fatal(err)
	}
	if consent == nil {
		u.Set("name", u.GetString("name")+" Renombrada")
	} else {
		u.Set("contact_consent", *consent)
	}
	if err := app.Save(u); err != nil {
		t.Fatal(err)
	}
}

// TestDiaDRealtimeFollowsConsent: a person's messaging authorisation,
// given and withdrawn, reaches on the dia-d topic the person and the
// leaders and coordinators above them (who read them under the users
// rule), once each, and so does their leaving (the account deleted); not a
// member above them, a sibling branch, another tree or an anonymous
// connection. A save that leaves the authorisation alone sends nothing.
func TestDiaDRealtimeFollowsConsent(t *testing.T) {
	t.Parallel()
	c := apptest.Seeded(t)
	app := setup(t, nil)
	t.Cleanup(app.Cleanup)
	seedPyramid(t, app)
	routes.BindDiaDLive(app) // bound twice on purpose: events must not double
	srv := apptest.Serve(t, app)

	tok := func(id string) string { return as(t, id)["Authorization"] }
	const sublider, nieto1 = "redsublider0001", "rednieto1000001"
	hear := map[string]*sseClient{}
	for _, id := range []string{nieto1, sublider, lider1, coord} {
		hear[id] = connect(t, srv.URL, id, tok(id), routes.DiaDTopic)
	}
	deaf := map[string]*sseClient{
		"miembro1 (a member above)": connect(t, srv.URL, "miembro1", tok(miembro1), routes.DiaDTopic),
		"lider2":                    connect(t, srv.URL, "lider2", tok(lider2), routes.DiaDTopic),
		"coord2":                    connect(t, srv.URL, "coord2", tok(coord2), routes.DiaDTopic),
		"leaderA":                   connect(t, srv.URL, "leaderA", c.LeaderA.Token, routes.DiaDTopic),
		"anonymous":                 connect(t, srv.URL, "anonymous", "", routes.DiaDTopic),
	}
	su := connect(t, srv.URL, "superuser", c.Superuser.Token, routes.DiaDTopic)

	yes, no := true, false
	setConsent(t, app, nieto1, nil) // a rename: no event
	setConsent(t, app, nieto1, &yes)
	deadline := time.Now().Add(10 * time.Second)
	for id, cl := range hear {
		waitKeyed(t, cl, id, personKey, "consent "+nieto1+" true", deadline)
	}
	waitKeyed(t, su, "superuser", personKey, "consent "+nieto1+" true", deadline)
	setConsent(t, app, nieto1, &no)
	for id, cl := range hear {
		waitKeyed(t, cl, id, personKey, "consent "+nieto1+" false", deadline)
	}
	u, err := app.FindRecordById("users", nieto1)
	if err != nil {
		t.Fatal(err)
	}
	if err := app.Delete(u); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{sublider, lider1, coord} {
		waitKeyed(t, hear[id], id, personKey, "delete "+nieto1+" false", deadline)
	}

	// Sentinels, sent after: an event each outsider does hear.
	setConsent(t, app, miembro1, &yes)
	waitKeyed(t, deaf["miembro1 (a member above)"], "miembro1", personKey, "consent "+miembro1+" true", deadline)
	setConsent(t, app, "redmiembro30001", &yes)
	waitKeyed(t, deaf["lider2"], "lider2", personKey, "consent redmiembro30001 true", deadline)
	setConsent(t, app, ajeno1, &yes)
	waitKeyed(t, deaf["coord2"], "coord2", personKey, "consent "+ajeno1+" true", deadline)
	setConsent(t, app, c.MemberA.ID, &yes)
	waitKeyed(t, deaf["leaderA"], "leaderA", personKey, "consent "+c.MemberA.ID+" true", deadline)
	waitKeyed(t, su, "superuser", personKey, "consent "+c.MemberA.ID+" true", deadline)

	about := func(cl *sseClient, id string) []string {
		cl.drain()
		cl.mu.Lock()
		defer cl.mu.Unlock()
		var keys []string
		for _, ev := range cl.got {
			if k := personKey(ev); k != "" && (k == "consent "+id+" true" || k == "consent "+id+" false" || k == "delete "+id+" false") {
				keys = append(keys, k)
			}
		}
		return keys
	}
	want := fmt.Sprint([]string{"consent " + nieto1 + " true", "consent " + nieto1 + " false", "delete " + nieto1 + " false"})
	for _, id := range []string{sublider, lider1, coord} {
		if got := fmt.Sprint(about(hear[id], nieto1)); got != want {
			t.Errorf("%s heard %s about nieto1, want %s once each", id, got, want)
		}
	}
	if got := about(hear[nieto1], nieto1); len(got) != 2 {
		t.Errorf("nieto1 heard %v about themself, want their two consent changes", got)
	}
	for name, cl := range deaf {
		if got := about(cl, nieto1); len(got) > 0 {
			t.Errorf("%s, who cannot read nieto1, heard %v", name, got)
		}
	}
	if got := about(deaf["anonymous"], c.MemberA.ID); len(got) > 0 {
		t.Errorf("anonymous heard %v", got)
	}
}
