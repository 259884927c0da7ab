package census_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/padron/padron/census"
	"github.com/padron/padron/schema"
)

// TestClaimIsFair queues a 60-person bulk refresh by one leader, then five
// refreshes by another, a revalidation, and last a new member's first
// check: the first check goes first, the two leaders take turns, the
// revalidation waits for every refresh.
func TestClaimIsFair(t *testing.T) {
	t.Parallel()
	app, c := newApp(t)
	// Settle every seeded record so only what this test queues is due.
	if _, err := app.DB().NewQuery("UPDATE {{cedula_info}} SET [[status]] = 'active'").Execute(); err != nil {
		t.Fatal(err)
	}
	users, err := app.FindCollectionByNameOrId(schema.UsersCollection)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	person := func(referrer string) *core.Record {
		t.Helper()
		n++
		u := core.NewRecord(users)
		u.Set("name", "Persona Prueba")
		u.Set("cedula", fmt.Sprint(30000000+n))
		u.Set("phone", "3001234567")
		u.Set("referral_code", fmt.Sprintf("FAIR%04d", n))
		u.Set("referred_by", referrer)
		u.Set("role", schema.RoleMember)
		u.SetPassword("clave-segura-123")
		if err := app.Save(u); err != nil {
			t.Fatal(err)
		}
		info, err := census.Create(app, u) // as the registration hook does
		if err != nil {
			t.Fatal(err)
		}
		info.Set("status", census.StatusActive)
		if err := app.Save(info); err != nil {
			t.Fatal(err)
		}
		return info
	}
	queue := func(info *core.Record, at time.Time, req census.Request) {
		t.Helper()
		if ok, err := census.Queue(app, info, at, req); err != nil || !ok {
			t.Fatalf("queue: %v %v", ok, err)
		}
	}
	who := map[string]string{}
	at := t0.Add(-time.Hour)
	for range 60 {
		info := person(c.LeaderA.ID)
		queue(info, at, census.Request{Kind: census.KindRefresh, By: c.LeaderA.ID})
		who[info.Id] = "A"
		at = at.Add(time.Second)
	}
	old := person(c.LeaderA.ID)
	queue(old, t0.Add(-2*time.Hour), census.Request{Kind: census.KindRevalidate})
	who[old.Id] = "revalidate"
	for range 5 {
		info := person(c.LeaderB.ID)
		queue(info, at, census.Request{Kind: census.KindRefresh, By: c.LeaderB.ID})
		who[info.Id] = "B"
		at = at.Add(time.Second)
	}
	// A new member registers last: census.Create queues their first check.
	newcomer := person(c.LeaderB.ID)
	newcomer.Set("status", census.StatusPending)
	if err := app.Save(newcomer); err != nil {
		t.Fatal(err)
	}
	who[newcomer.Id] = "first"

	var order []string
	for i := 0; ; i++ {
		info, err := census.Claim(app, "me", t0.Add(time.Duration(i)*time.Second), time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if info == nil {
			break
		}
		order = append(order, who[info.Id])
	}
	if len(order) != 67 {
		t.Fatalf("claimed %d checks, want 67", len(order))
	}
	want := []string{"first", "A", "B", "A", "B", "A", "B", "A", "B", "A", "B", "A", "A"}
	for i, w := range want {
		if order[i] != w {
			t.Fatalf("claim order starts %v, want %v", order[:len(want)], want)
		}
	}
	if order[66] != "revalidate" {
		t.Errorf("the revalidation was claimed at %d, want last", indexOf(order, "revalidate"))
	}
}

// TestCreateQueuesForTheInviter checks the requester a first check is
// queued for: the inviter, or the person themself.
func TestCreateQueuesForTheInviter(t *testing.T) {
	t.Parallel()
	app, c := newApp(t)
	for _, tc := range []struct{ user, by string }{
		{c.MemberA.ID, c.LeaderA.ID},
		{c.Loner.ID, c.Loner.ID},
	} {
		info := infoOf(t, app, tc.user)
		if info.GetString("queue_kind") != string(census.KindFirst) || info.GetString("queued_by") != tc.by {
			t.Errorf("user %s: queued %q by %q, want first by %s", tc.user, info.GetString("queue_kind"), info.GetString("queued_by"), tc.by)
		}
	}
}

func indexOf(s []string, v string) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}
