package routes_test

import (
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/padron/padron/apptest"
	"github.com/padron/padron/config"
	"github.com/padron/padron/server"
)

// t0 is the pinned "now" of the refresh endpoints: an hour ahead of the
// real clock, so records saved during setup are an hour old (outside any
// cooldown) unless a test dates them explicitly relative to t0.
var t0 = time.Now().Add(time.Hour).UTC().Truncate(time.Second)

// wakes counts the worker nudges the endpoints send; scenarios in one test
// run one after another, so each resets it in its factory.
type wakes struct {
	n         atomic.Int32
	announced atomic.Int32
}

func (w *wakes) Wake() { w.n.Add(1) }

func (w *wakes) Announce(ids []string) { w.announced.Add(int32(len(ids))) }

// setup is a seeded app wired as the binary wires it (server.Build, no
// worker), with a pinned clock and, when q is not nil, a counting queue.
func setup(t testing.TB, q *wakes) *tests.TestApp {
	t.Helper()
	opts := []server.Option{server.WithoutWorker(), server.WithClock(func() time.Time { return t0 })}
	if q != nil {
		q.n.Store(0)
		q.announced.Store(0)
		opts = append(opts, server.WithWaker(q))
	}
	return apptest.NewAppWith(t, config.Default(), opts...)
}

func auth(p apptest.Person) map[string]string { return map[string]string{"Authorization": p.Token} }

// setInfo gives userID's census record a status and a last check at the
// given moment (requested_at and, for answers, fetched_at).
func setInfo(t testing.TB, app core.App, userID, status string, last time.Time, place ...string) {
	t.Helper()
	info, err := app.FindFirstRecordByData("cedula_info", "user", userID)
	if err != nil {
		t.Fatalf("cedula_info of %s: %v", userID, err)
	}
	info.Set("status", status)
	info.Set("requested_at", last)
	info.Set("fetched_at", last)
	for i, f := range []string{"departamento", "municipio", "puesto", "direccion", "mesa", "novedad"} {
		if i < len(place) {
			info.Set(f, place[i])
		}
	}
	if err := app.Save(info); err != nil {
		t.Fatalf("save cedula_info of %s: %v", userID, err)
	}
}

// addUser creates a user with a fixed id (so request bodies can name it
// before it exists), referred by referredBy.
func addUser(t testing.TB, app core.App, id, name, cedula, role, referredBy string) {
	t.Helper()
	col, err := app.FindCollectionByNameOrId("users")
	if err != nil {
		t.Fatal(err)
	}
	r := core.NewRecord(col)
	r.Id = id
	r.Set("name", name)
	r.Set("cedula", cedula)
	r.Set("phone", "3009876543")
	r.Set("role", role)
	r.Set("referred_by", referredBy)
	r.Set("referral_goal", 10)
	r.SetRaw("password", &core.PasswordFieldValue{Hash: passwordHash(t, app)})
	if err := app.Save(r); err != nil {
		t.Fatalf("add user %s: %v", name, err)
	}
}

func status(t testing.TB, app core.App, userID string) string {
	t.Helper()
	info, err := app.FindFirstRecordByData("cedula_info", "user", userID)
	if err != nil {
		t.Fatalf("cedula_info of %s: %v", userID, err)
	}
	return info.GetString("status")
}

// expectStatus checks userID's record ended in want and the worker was
// woken wantWakes times.
func expectStatus(q *wakes, userID, want string, wantWakes int32) func(testing.TB, *tests.TestApp, *http.Response) {
	return func(t testing.TB, app *tests.TestApp, _ *http.Response) {
		t.Helper()
		if got := status(t, app, userID); got != want {
			t.Errorf("status of %s = %q, want %q", userID, got, want)
		}
		if got := q.n.Load(); got != wantWakes {
			t.Errorf("worker woken %d times, want %d", got, wantWakes)
		}
	}
}

// passwordHash is a seeded user's bcrypt hash of apptest.Password, reused so
// tests that add many users skip bcrypt's deliberate slowness.
func passwordHash(t testing.TB, app core.App) string {
	t.Helper()
	u, err := app.FindFirstRecordByData("users", "cedula", "10000001")
	if err != nil {
		t.Fatal(err)
	}
	pv, ok := u.GetRaw("password").(*core.PasswordFieldValue)
	if !ok || pv.Hash == "" {
		t.Fatal("seeded user has no password hash")
	}
	return pv.Hash
}
