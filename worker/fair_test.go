package worker_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/padron/padron/census"
)

// TestNewRegistrationOvertakesABulkRefresh queues a leader's bulk refresh
// of 500 and lets the worker start on it; then a member registers. The
// member's first check is the next lookup to start: within the two pacing
// gaps of the lookups already running, never behind the 498 still waiting.
func TestNewRegistrationOvertakesABulkRefresh(t *testing.T) {
	t.Parallel()
	e := setup(t, nil)
	e.look.step = make(chan struct{})
	users, err := e.app.FindCollectionByNameOrId("users")
	if err != nil {
		t.Fatal(err)
	}
	// Everyone seeded already has an answer; 500 referidos of LeaderA too,
	// all queued again by one bulk refresh.
	if _, err := e.app.DB().NewQuery("UPDATE {{cedula_info}} SET [[status]] = 'active'").Execute(); err != nil {
		t.Fatal(err)
	}
	hashed := core.NewRecord(users)
	hashed.SetPassword("clave-segura-123") // one bcrypt for all 500
	hash := hashed.GetRaw("password").(*core.PasswordFieldValue).Hash
	err = e.app.RunInTransaction(func(tx core.App) error {
		for i := range 500 {
			u := core.NewRecord(users)
			u.Id = fmt.Sprintf("masivo%09d", i)
			u.Set("tokenKey", fmt.Sprintf("token-masivo-%09d-0123456789abcdef", i))
			u.Set("name", "Referido Masivo")
			u.Set("cedula", fmt.Sprint(50000000+i))
			u.Set("phone", "3001234567")
			u.Set("role", "member")
			u.Set("referral_code", fmt.Sprintf("BULK%04d", i))
			u.Set("referred_by", e.cast.LeaderA.ID)
			u.SetRaw("password", &core.PasswordFieldValue{Hash: hash})
			if err := tx.UnsafeWithoutHooks().Save(u); err != nil {
				return err
			}
			info, err := census.Create(tx, u)
			if err != nil {
				return err
			}
			info.Set("status", census.StatusActive)
			if err := tx.Save(info); err != nil {
				return err
			}
			if _, err := census.Queue(tx, info, e.clock.Now().Add(time.Duration(i)*time.Millisecond),
				census.Request{Kind: census.KindRefresh, By: e.cast.LeaderA.ID}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	e.start(t)
	waitFor(t, "the bulk refresh's first two lookups running", func() bool { return len(e.look.started()) == 2 })

	// A newcomer registers through LeaderB's link, as the hooks do.
	u := core.NewRecord(users)
	u.Set("name", "Nueva Persona")
	u.Set("cedula", "1122334455")
	u.Set("phone", "3109876543")
	u.Set("role", "member")
	u.Set("referral_code", "NUEVA001")
	u.Set("referred_by", e.cast.LeaderB.ID)
	u.SetPassword("clave-segura-123")
	if err := e.app.Save(u); err != nil {
		t.Fatal(err)
	}
	e.look.step <- struct{}{} // one bulk lookup ends: the next claim is made
	waitFor(t, "a third lookup started", func() bool { return len(e.look.started()) >= 3 })
	started := e.look.started()
	if started[2] != "1122334455" {
		t.Fatalf("lookups started %v: the newcomer's first check is not the next after the two running", started[:3])
	}
	if slices.Index(started, "1122334455") != 2 {
		t.Fatalf("newcomer's lookup at %d", slices.Index(started, "1122334455"))
	}
	close(e.look.step)
}
