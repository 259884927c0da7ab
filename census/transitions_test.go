package census_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/padron/padron/apptest"
	"github.com/padron/padron/census"
	"github.com/padron/padron/schema"
)

var t0 = time.Date(2026, 3, 8, 8, 0, 0, 0, time.UTC)

// newApp is a seeded app whose every user has a pending record (the hooks
// created them) and nothing else bound.
func newApp(t *testing.T) (*tests.TestApp, apptest.Cast) {
	t.Helper()
	app := apptest.NewBareApp(t)
	t.Cleanup(app.Cleanup)
	return app, apptest.Seeded(t)
}

func infoOf(t *testing.T, app core.App, userID string) *core.Record {
	t.Helper()
	r, err := app.FindFirstRecordByData(schema.CedulaInfoCollection, "user", userID)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func userOf(t *testing.T, app core.App, id string) *core.Record {
	t.Helper()
	r, err := app.FindRecordById(schema.UsersCollection, id)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// claimUser claims checks until it holds userID's, releasing the others.
func claimUser(t *testing.T, app core.App, userID string) *core.Record {
	t.Helper()
	for {
		info, err := census.Claim(app, "me", t0, time.Minute)
		if err != nil || info == nil {
			t.Fatalf("claim: %v, %v (want %s's record)", info, err, userID)
		}
		if info.GetString("user") == userID {
			return info
		}
	}
}

func TestClaimTakesEachDueCheckOnce(t *testing.T) {
	t.Parallel()
	app, c := newApp(t)
	later := infoOf(t, app, c.Loner.ID)
	later.Set("next_attempt_at", t0.Add(time.Hour))
	if err := app.Save(later); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for {
		info, err := census.Claim(app, "me", t0, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if info == nil {
			break
		}
		if seen[info.Id] {
			t.Fatalf("%s claimed twice", info.Id)
		}
		seen[info.Id] = true
		if !census.HeldBy(info, "me") || census.HeldBy(info, "someone else") {
			t.Fatalf("claimed record: status %s owner %q", info.GetString("status"), info.GetString("lease_owner"))
		}
		if !info.GetDateTime("lease_until").Time().Equal(t0.Add(time.Minute)) {
			t.Fatalf("lease_until %v", info.GetDateTime("lease_until"))
		}
	}
	if len(seen) != 4 || seen[later.Id] {
		t.Fatalf("claimed %d records (the one due later too: %v), want the 4 due ones", len(seen), seen[later.Id])
	}

	held := infoOf(t, app, c.MemberA.ID)
	if ok, err := census.Renew(app, held.Id, "someone else", t0, time.Hour); ok || err != nil {
		t.Fatalf("renewed another owner's lease: %v, %v", ok, err)
	}
	if ok, err := census.Renew(app, held.Id, "me", t0, time.Hour); !ok || err != nil {
		t.Fatalf("renew own lease: %v, %v", ok, err)
	}
	if err := census.Release(app, held); err != nil {
		t.Fatal(err)
	}
	held = infoOf(t, app, c.MemberA.ID)
	if held.GetString("status") != census.StatusPending || held.GetString("lease_owner") != "" || held.GetInt("attempts") != 0 {
		t.Fatalf("released record: %v", held.FieldsData())
	}
}

func TestAnswerQueueAndReset(t *testing.T) {
	t.Parallel()
	app, c := newApp(t)
	info := claimUser(t, app, c.MemberA.ID)
	if census.Attempt(info) != 1 {
		t.Fatalf("first attempt numbered %d", census.Attempt(info))
	}
	res := census.Result{Outcome: census.OutcomeFound, Departamento: "ANTIOQUIA", Municipio: "MEDELLÍN",
		Puesto: "IE LOS ALPES", Direccion: "CL 10", Mesa: "7", Raw: `{"success":true}`}
	if err := census.StoreAnswer(app, info, res, t0); err != nil {
		t.Fatal(err)
	}
	info = infoOf(t, app, c.MemberA.ID)
	if info.GetString("status") != census.StatusActive || info.GetString("mesa") != "7" || info.GetInt("attempts") != 1 ||
		info.GetString("lease_owner") != "" || !info.GetDateTime("fetched_at").Time().Equal(t0) || info.GetString("raw_response") == "" {
		t.Fatalf("answered record: %v", info.FieldsData())
	}

	queued, err := census.Queue(app, info, t0.Add(time.Minute), census.Request{})
	if err != nil || !queued {
		t.Fatalf("queue an answered record: %v, %v", queued, err)
	}
	info = infoOf(t, app, c.MemberA.ID)
	if info.GetString("status") != census.StatusPending || info.GetInt("attempts") != 0 ||
		!info.GetDateTime("requested_at").Time().Equal(t0.Add(time.Minute)) || info.GetString("mesa") != "7" {
		t.Fatalf("queued record (the old answer stays visible): %v", info.FieldsData())
	}
	if queued, err := census.Queue(app, info, t0.Add(2*time.Minute), census.Request{}); err != nil || queued {
		t.Fatalf("queued a check already in flight: %v, %v", queued, err)
	}

	// With hooks off (a bulk refresh), updated still moves past the answer's,
	// so realtime clients ordering by it see "pending" last.
	if err := census.StoreAnswer(app, claimUser(t, app, c.MemberA.ID), res, t0.Add(3*time.Minute)); err != nil {
		t.Fatal(err)
	}
	answered := infoOf(t, app, c.MemberA.ID).GetDateTime("updated").Time()
	later := answered.Add(time.Minute)
	if queued, err := census.Queue(app.UnsafeWithoutHooks(), infoOf(t, app, c.MemberA.ID), later, census.Request{}); err != nil || !queued {
		t.Fatalf("queue with hooks off: %v, %v", queued, err)
	}
	if got := infoOf(t, app, c.MemberA.ID).GetDateTime("updated").Time(); !got.Equal(later) {
		t.Fatalf("queued with hooks off: updated %v, want %v (after the answer's %v)", got, later, answered)
	}

	if err := census.Reset(app, userOf(t, app, c.MemberA.ID)); err != nil {
		t.Fatal(err)
	}
	info = infoOf(t, app, c.MemberA.ID)
	if info.GetString("status") != census.StatusPending || info.GetString("mesa") != "" || info.GetString("departamento") != "" ||
		!info.GetDateTime("fetched_at").IsZero() || info.GetString("raw_response") != "" {
		t.Fatalf("reset record keeps the old answer: %v", info.FieldsData())
	}
}

func TestStoreFailureRetriesOrEnds(t *testing.T) {
	t.Parallel()
	retryAt := t0.Add(5 * time.Minute)
	withBody := census.Fail(census.ErrBlocked, nil, "block page")
	withBody.Evidence = &census.Evidence{Response: "<html>blocked</html>"}
	cases := []struct {
		name    string
		err     error
		retryAt time.Time
		status  string
		next    time.Time
		raw     string
	}{
		{"retryable with attempts left", census.Fail(census.ErrCaptchaUnreachable, errors.New("connection refused"), "submit"), retryAt, census.StatusPending, retryAt, ""},
		{"retryable, attempts spent", withBody, time.Time{}, census.StatusBlocked, time.Time{}, "<html>blocked</html>"},
		{"not retryable", census.Fail(census.ErrSiteChanged, nil, "no form"), retryAt, census.StatusError, time.Time{}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			app, c := newApp(t)
			info := claimUser(t, app, c.Loner.ID)
			if err := census.StoreFailure(app, info, tc.err, tc.retryAt); err != nil {
				t.Fatal(err)
			}
			info = infoOf(t, app, c.Loner.ID)
			if info.GetString("status") != tc.status || !info.GetDateTime("next_attempt_at").Time().Equal(tc.next) ||
				info.GetInt("attempts") != 1 || info.GetString("lease_owner") != "" || info.GetString("raw_response") != tc.raw {
				t.Fatalf("failed record: %v", info.FieldsData())
			}
			msg := info.GetString("error_message")
			if !strings.HasPrefix(msg, census.Message(tc.err)) || strings.Contains(msg, "de nuevo") != (tc.status == census.StatusPending) {
				t.Fatalf("message %q", msg)
			}
		})
	}
}

// TestQueueUnless: a check in flight is refused as *InFlightError before
// the caller's condition is asked; the condition's refusal comes back as it
// is and nothing is saved; with no refusal the record is queued.
func TestQueueUnless(t *testing.T) {
	t.Parallel()
	app, c := newApp(t)
	errCooling := errors.New("cooling down")
	asked := 0
	refuse := func(*core.Record) error { asked++; return errCooling }

	pending := infoOf(t, app, c.MemberA.ID) // every seeded record starts pending
	var inFlight *census.InFlightError
	if err := census.QueueUnless(app, pending, t0, census.Request{}, refuse); !errors.As(err, &inFlight) || inFlight.State != census.StatusPending {
		t.Fatalf("pending record: err %v, want *InFlightError{pending}", err)
	}
	if asked != 0 {
		t.Errorf("condition asked %d times for a record in flight", asked)
	}

	answered := infoOf(t, app, c.MemberA.ID)
	answered.Set("status", census.StatusActive)
	if err := app.Save(answered); err != nil {
		t.Fatal(err)
	}
	if err := census.QueueUnless(app, answered, t0, census.Request{}, refuse); !errors.Is(err, errCooling) {
		t.Fatalf("refused: err %v, want the condition's", err)
	}
	if got := infoOf(t, app, c.MemberA.ID).GetString("status"); got != census.StatusActive {
		t.Errorf("refused record saved as %q", got)
	}
	if err := census.QueueUnless(app, answered, t0, census.Request{}, func(*core.Record) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if got := infoOf(t, app, c.MemberA.ID).GetString("status"); got != census.StatusPending {
		t.Errorf("queued record is %q, want pending", got)
	}
	if queued, err := census.Queue(app, infoOf(t, app, c.MemberA.ID), t0, census.Request{}); queued || err != nil {
		t.Errorf("Queue of a record in flight: %v, %v; want false, nil", queued, err)
	}
}
