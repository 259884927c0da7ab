package routes_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/padron/padron/apptest"
	"github.com/padron/padron/routes"
)

// TestReferidosViewRealtime: the referidos view's events reach the referrer
// and superusers only, with the view's fields only; nobody else's
// subscriptions (users, cedula_info, the view) carry the new referido.
func TestReferidosViewRealtime(t *testing.T) {
	t.Parallel()
	c := apptest.Seeded(t)
	app := apptest.NewApp(t) // as the binary: the web app and its referidos feed bound
	t.Cleanup(app.Cleanup)
	routes.BindReferidosLive(app) // bound twice on purpose: events must not double
	srv := apptest.Serve(t, app)

	memberA := connect(t, srv.URL, "memberA", c.MemberA.Token, "referidos/*", "users/*", "cedula_info/*")
	memberB := connect(t, srv.URL, "memberB", c.MemberB.Token, "referidos/*", "users/*", "cedula_info/*")
	leaderA := connect(t, srv.URL, "leaderA", c.LeaderA.Token, "referidos/*", "users/*", "cedula_info/*")
	refusedSubscription(t, srv.URL, "anonymous", "", http.StatusForbidden, "referidos/*", "users/*", "cedula_info/*")
	super := connect(t, srv.URL, "superuser", c.Superuser.Token, "referidos/*")

	users, err := app.FindCollectionByNameOrId("users")
	if err != nil {
		t.Fatal(err)
	}
	save := func(r *core.Record) {
		t.Helper()
		if err := app.Save(r); err != nil {
			t.Fatal(err)
		}
	}
	nieto := core.NewRecord(users)
	nieto.Set("name", "Nieto Referido")
	nieto.Set("cedula", "60000001")
	nieto.Set("phone", "3157654321")
	nieto.Set("role", "member")
	nieto.Set("referred_by", c.MemberA.ID)
	nieto.SetPassword(apptest.Password)
	save(nieto)
	nieto.Set("name", "Nieto Renombrado")
	save(nieto)
	if err := app.Delete(nieto); err != nil {
		t.Fatal(err)
	}

	want := []string{"referidos/* create " + nieto.Id + " ", "referidos/* update " + nieto.Id + " ", "referidos/* delete " + nieto.Id + " "}
	deadline := time.Now().Add(30 * time.Second) // the whole scenario, also under -race on a busy machine
	memberA.waitFor(t, want, deadline)
	super.waitFor(t, want, deadline)

	// Sentinels the others do see, sent after: a referido of MemberB, and a
	// rename of LeaderA's referido.
	other := core.NewRecord(users)
	other.Set("name", "Otra Persona")
	other.Set("cedula", "60000002")
	other.Set("phone", "3157654322")
	other.Set("role", "member")
	other.Set("referred_by", c.MemberB.ID)
	other.SetPassword(apptest.Password)
	save(other)
	memberB.waitFor(t, []string{"referidos/* create " + other.Id + " "}, deadline)
	ana, err := app.FindRecordById("users", c.MemberA.ID)
	if err != nil {
		t.Fatal(err)
	}
	ana.Set("name", "Ana Renombrada")
	save(ana)
	leaderA.waitFor(t, []string{"referidos/* update " + c.MemberA.ID + " "}, deadline)

	for _, cl := range []*sseClient{memberA, memberB, leaderA, super} {
		cl.drain()
		cl.mu.Lock()
		got := slices.Clone(cl.got)
		cl.mu.Unlock()
		if n := countKey(got, "referidos/* create "+nieto.Id+" "); (cl == memberA || cl == super) && n != 1 {
			t.Errorf("%s received the create %d times", cl.name, n)
		}
		for _, ev := range got {
			// LeaderA sees the nieto (two levels below) through users and
			// cedula_info since issue 16, but not through the referidos
			// view, which shows direct referidos only.
			if ev.ID == nieto.Id && cl != memberA && cl != super && (cl != leaderA || ev.Topic == "referidos/*") {
				t.Errorf("%s received %s", cl.name, ev.key())
			}
			if ev.Topic == "referidos/*" && (strings.Contains(ev.Raw, "cedula") || strings.Contains(ev.Raw, "phone") || strings.Contains(ev.Raw, "3157654321")) {
				t.Errorf("%s: referidos event carries more than the view's fields: %s", cl.name, ev.Raw)
			}
			if cl == memberA && ev.ID == nieto.Id && ev.Topic != "referidos/*" {
				t.Errorf("memberA got the referido through %s", ev.Topic)
			}
		}
	}
}

func countKey(evs []sseEvent, key string) int {
	n := 0
	for _, ev := range evs {
		if ev.key() == key {
			n++
		}
	}
	return n
}

// TestReferidosFeedFollowsTheRule: the feed asks the view's own rule. Under
// the shipped rule a referido moved from one referrer to another leaves the
// first one's feed and enters the second's; once a superuser rewrites the
// rule (here: grandparents see their referidos' referidos), the feed
// follows at once, with no restart.
func TestReferidosFeedFollowsTheRule(t *testing.T) {
	t.Parallel()
	c := apptest.Seeded(t)
	app := apptest.NewApp(t)
	t.Cleanup(app.Cleanup)
	srv := apptest.Serve(t, app)
	deadline := time.Now().Add(30 * time.Second) // the whole scenario, also under -race on a busy machine

	memberA := connect(t, srv.URL, "memberA", c.MemberA.Token, "referidos/*")
	memberB := connect(t, srv.URL, "memberB", c.MemberB.Token, "referidos/*")
	leaderA := connect(t, srv.URL, "leaderA", c.LeaderA.Token, "referidos/*")

	users, err := app.FindCollectionByNameOrId("users")
	if err != nil {
		t.Fatal(err)
	}
	add := func(name, ced, referrer string) *core.Record {
		t.Helper()
		r := core.NewRecord(users)
		r.Set("name", name)
		r.Set("cedula", ced)
		r.Set("phone", "3157654321")
		r.Set("role", "member")
		r.Set("referred_by", referrer)
		r.SetPassword(apptest.Password)
		if err := app.Save(r); err != nil {
			t.Fatal(err)
		}
		return r
	}

	// The shipped rule: referred_by = @request.auth.id.
	movido := add("Movido Referido", "61000001", c.MemberA.ID)
	memberA.waitFor(t, []string{"referidos/* create " + movido.Id + " "}, deadline)
	movido.Set("referred_by", c.MemberB.ID)
	if err := app.Save(movido); err != nil {
		t.Fatal(err)
	}
	memberA.waitFor(t, []string{"referidos/* delete " + movido.Id + " "}, deadline)
	memberB.waitFor(t, []string{"referidos/* create " + movido.Id + " "}, deadline)

	// A superuser rewrites the view's list rule, as in the dashboard.
	view, err := app.FindCollectionByNameOrId("referidos")
	if err != nil {
		t.Fatal(err)
	}
	rule := "referred_by.referred_by = @request.auth.id"
	view.ListRule = &rule
	if err := app.Save(view); err != nil {
		t.Fatal(err)
	}
	nieto := add("Nieto Referido", "61000002", c.MemberA.ID) // LeaderA's grandchild
	bisnieto := add("Bisnieto Referido", "61000003", nieto.Id)
	leaderA.waitFor(t, []string{"referidos/* create " + nieto.Id + " "}, deadline)
	memberA.waitFor(t, []string{"referidos/* create " + bisnieto.Id + " "}, deadline) // sent after nieto's
	memberA.drain()
	leaderA.drain()
	if n := countKey(memberA.snapshot(), "referidos/* create "+nieto.Id+" "); n != 0 {
		t.Errorf("memberA still got their own referido under the new rule (%d times)", n)
	}
	if n := countKey(leaderA.snapshot(), "referidos/* create "+movido.Id+" "); n != 0 {
		t.Errorf("leaderA got MemberA's referido under the shipped rule (%d times)", n)
	}
}

// TestReferidosLiveCarriesCreated: the feed's rows carry the registration
// date, the same the view's REST API gives, on a registration through the
// API as the web app makes it and on a rename; members read it live.
func TestReferidosLiveCarriesCreated(t *testing.T) {
	t.Parallel()
	c := apptest.Seeded(t)
	app := apptest.NewApp(t)
	t.Cleanup(app.Cleanup)
	srv := apptest.Serve(t, app)
	memberA := connect(t, srv.URL, "memberA", c.MemberA.Token, "referidos/*")

	res, err := http.Post(srv.URL+"/api/collections/users/records", "application/json", strings.NewReader(
		`{"name":"Rosa Registro","cedula":"62000001","phone":"3157654321","password":"clave-segura-123",`+
			`"passwordConfirm":"clave-segura-123","data_policy_accepted":true,"ref":"`+c.MemberA.ReferralCode+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	var created struct{ ID, Created string }
	err = json.NewDecoder(res.Body).Decode(&created)
	res.Body.Close()
	if err != nil || res.StatusCode != 200 || created.Created == "" {
		t.Fatalf("registration: %d %v %+v", res.StatusCode, err, created)
	}
	rosa, err := app.FindRecordById("users", created.ID)
	if err != nil {
		t.Fatal(err)
	}
	rosa.Set("name", "Rosa Renombrada")
	if err := app.Save(rosa); err != nil {
		t.Fatal(err)
	}
	memberA.waitFor(t, []string{"referidos/* create " + created.ID + " ", "referidos/* update " + created.ID + " "}, time.Now().Add(10*time.Second))
	for _, ev := range memberA.snapshot() {
		var msg struct{ Record map[string]any }
		if err := json.Unmarshal([]byte(ev.Raw), &msg); err != nil {
			t.Fatalf("%s: %v", ev.Raw, err)
		}
		if got := msg.Record["created"]; got != created.Created {
			t.Errorf("%s %s: created %q, want %q", ev.Topic, ev.Action, got, created.Created)
		}
	}
}
