package routes_test

import (
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
	defer app.Cleanup()
	routes.ServePublic(app, "") // bound twice on purpose: events must not double
	srv := apptest.Serve(t, app)

	memberA := connect(t, srv.URL, "memberA", c.MemberA.Token, "referidos/*", "users/*", "cedula_info/*")
	memberB := connect(t, srv.URL, "memberB", c.MemberB.Token, "referidos/*", "users/*", "cedula_info/*")
	leaderA := connect(t, srv.URL, "leaderA", c.LeaderA.Token, "referidos/*", "users/*", "cedula_info/*")
	anon := connect(t, srv.URL, "anonymous", "", "referidos/*", "users/*", "cedula_info/*")
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
	deadline := time.Now().Add(10 * time.Second)
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

	for _, cl := range []*sseClient{memberA, memberB, leaderA, anon, super} {
		cl.drain()
		cl.mu.Lock()
		got := slices.Clone(cl.got)
		cl.mu.Unlock()
		if n := countKey(got, "referidos/* create "+nieto.Id+" "); (cl == memberA || cl == super) && n != 1 {
			t.Errorf("%s received the create %d times", cl.name, n)
		}
		for _, ev := range got {
			if ev.ID == nieto.Id && cl != memberA && cl != super {
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
