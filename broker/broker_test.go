package broker_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/padron/padron/agent"
	"github.com/padron/padron/apptest"
	"github.com/padron/padron/broker"
	"github.com/padron/padron/census"
	"github.com/padron/padron/config"
	"github.com/padron/padron/schema"
	"github.com/padron/padron/server"
	"github.com/padron/padron/worker"
)

// answerOf is every test agent's answer for a cédula: found, with the
// cédula in the mesa, so a wrong or swapped answer shows.
func answerOf(cedula string) census.Result {
	return census.Result{Cedula: cedula, Outcome: census.OutcomeFound, Departamento: "ANTIOQUIA", Municipio: "MEDELLÍN",
		Puesto: "IE LOS ALPES", Mesa: cedula[len(cedula)-3:], Raw: `{"cedula":"` + cedula + `"}`}
}

// lookup is a scripted Lookuper: it answers answerOf, or fails with fail
// if set; hold, if set, keeps each lookup until it is closed or ctx ends.
type lookup struct {
	calls atomic.Int32
	fail  error
	hold  chan struct{}
	held  chan string   // told of each lookup that started holding
	work  time.Duration // how long each lookup takes, as the site would
}

func (l *lookup) Lookup(ctx context.Context, cedula string) (census.Result, error) {
	l.calls.Add(1)
	if l.work > 0 {
		select {
		case <-time.After(l.work):
		case <-ctx.Done():
			return census.Result{}, ctx.Err()
		}
	}
	if l.hold != nil {
		if l.held != nil {
			l.held <- cedula
		}
		select {
		case <-l.hold:
		case <-ctx.Done():
			return census.Result{}, ctx.Err()
		}
	}
	if l.fail != nil {
		return census.Result{}, l.fail
	}
	return answerOf(cedula), nil
}

// env is an app whose worker hands its lookups to agents through an
// embedded broker.
type env struct {
	app    *tests.TestApp
	w      *worker.Worker
	remote *broker.Remote
}

func logger() *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

func setup(t *testing.T, ackWait time.Duration) *env {
	t.Helper()
	return setupWith(t, broker.Config{URL: broker.Embedded, Listen: "127.0.0.1:0", AckWait: ackWait}, 8)
}

// setupWith is setup on the broker cfg names, handing out concurrency
// checks at once.
func setupWith(t *testing.T, cfg broker.Config, concurrency int) *env {
	t.Helper()
	e := setupIdle(t, cfg, concurrency)
	if err := e.w.Start(); err != nil {
		t.Fatal(err)
	}
	return e
}

// setupIdle is setupWith with the broker started and the worker not yet:
// nothing is claimed until the test calls e.w.Start.
func setupIdle(t *testing.T, cfg broker.Config, concurrency int) *env {
	t.Helper()
	return setupOn(t, apptest.NewBareApp(t), cfg, concurrency)
}

// setupOn is setupIdle on an app the test made (and may have read) first.
func setupOn(t *testing.T, app *tests.TestApp, cfg broker.Config, concurrency int) *env {
	t.Helper()
	cfg.Logger = logger()
	remote := broker.NewRemote(app, cfg)
	w, err := worker.New(app, remote, worker.Config{Concurrency: concurrency, RetryDelays: []time.Duration{0}, RetryJitter: worker.RetryJitterOff,
		MaxAttempts: 5, AgentBreakers: true, Tick: 50 * time.Millisecond, CheckTimeout: time.Minute, Logger: logger()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := server.Build(app, config.Default(), server.WithWorker(w)); err != nil {
		t.Fatal(err)
	}
	if err := remote.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stopNow, cancel := context.WithCancel(context.Background())
		cancel() // in-flight checks are given back at once
		_ = w.Stop(stopNow)
		_ = remote.Close()
		app.Cleanup()
	})
	return &env{app: app, w: w, remote: remote}
}

// connect opens an agent's connection with a fresh key named name.
func (e *env) connect(t *testing.T, name string) *nats.Conn {
	t.Helper()
	key, err := broker.CreateKey(e.app, name)
	if err != nil {
		t.Fatal(err)
	}
	nc, err := nats.Connect(e.remote.AgentsURL(), nats.Token(key), nats.Name(name))
	if err != nil {
		t.Fatalf("agent %s connect: %v", name, err)
	}
	t.Cleanup(nc.Close)
	return nc
}

// intruder opens an agent's connection with a fresh key named name whose
// refused publishes (permission violations) arrive on refused; id is the
// connection's id, which its own subjects carry.
func (e *env) intruder(t *testing.T, name string) (nc *nats.Conn, id uint64, refused chan error) {
	t.Helper()
	key, err := broker.CreateKey(e.app, name)
	if err != nil {
		t.Fatal(err)
	}
	refused = make(chan error, 4)
	nc, err = nats.Connect(e.remote.AgentsURL(), nats.Token(key), nats.Name(name),
		nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) { refused <- err }))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	if id, err = nc.GetClientID(); err != nil {
		t.Fatal(err)
	}
	return nc, id, refused
}

// resultsStream is the results stream as the server's own connection sees it.
func (e *env) resultsStream(t *testing.T) jetstream.Stream {
	t.Helper()
	srv, err := e.remote.Connect("prueba")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	sjs, err := jetstream.New(srv)
	if err != nil {
		t.Fatal(err)
	}
	stream, err := sjs.Stream(t.Context(), broker.ResultsStream)
	if err != nil {
		t.Fatal(err)
	}
	return stream
}

// runAgent runs an agent until the test ends (or stop is called).
func (e *env) runAgent(t *testing.T, nc *nats.Conn, cfg agent.Config) (stop func()) {
	t.Helper()
	cfg.Logger = logger()
	a, err := agent.New(nc, cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = a.Run(ctx) }()
	stop = sync.OnceFunc(func() { cancel(); <-done })
	t.Cleanup(stop)
	return stop
}

// seeded is the template's people, whose first checks are queued too.
func (e *env) seeded(t *testing.T) map[string]string {
	c := apptest.Seeded(t)
	m := map[string]string{}
	for _, p := range []apptest.Person{c.LeaderA, c.LeaderB, c.MemberA, c.MemberB, c.Loner} {
		m[p.ID] = p.Cedula
	}
	return m
}

// addUsers registers n people; the hooks queue a check for each.
func (e *env) addUsers(t *testing.T, n int) map[string]string {
	t.Helper()
	col, err := e.app.FindCollectionByNameOrId(schema.UsersCollection)
	if err != nil {
		t.Fatal(err)
	}
	users := map[string]string{} // id → cédula
	for i := range n {
		r := core.NewRecord(col)
		ced := fmt.Sprint(41000000 + i)
		r.Set("name", "Persona Prueba")
		r.Set("cedula", ced)
		r.Set("phone", "3001234567")
		r.Set("role", "member")
		r.Set("referral_code", fmt.Sprintf("AGNT%04d", i))
		r.SetPassword(apptest.Password)
		if err := e.app.Save(r); err != nil {
			t.Fatal(err)
		}
		users[r.Id] = ced
	}
	return users
}

func waitFor(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waitAnswered waits until every user's check is final and checks each
// carries its own answer, with exactly one applied successful attempt.
func (e *env) waitAnswered(t *testing.T, users map[string]string) {
	t.Helper()
	waitFor(t, 60*time.Second, "every check answered", func() bool {
		n, err := e.app.CountRecords(schema.CedulaInfoCollection,
			dbxIn("user", users), dbxEq("status", census.StatusActive))
		return err == nil && int(n) == len(users)
	})
	for id, ced := range users {
		info, err := e.app.FindFirstRecordByData(schema.CedulaInfoCollection, "user", id)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := info.GetString("mesa"), answerOf(ced).Mesa; got != want {
			t.Errorf("%s: mesa %q, want %q (another cédula's answer?)", ced, got, want)
		}
		atts, err := e.app.FindRecordsByFilter(schema.AttemptsCollection, "user = {:u} && success = true", "", 0, 0, map[string]any{"u": id})
		if err != nil {
			t.Fatal(err)
		}
		applied := 0
		for _, a := range atts {
			if a.GetString("outcome") != string(census.OutcomeFound) {
				t.Errorf("%s: a successful attempt says %q", ced, a.GetString("outcome"))
			}
			if !strings.HasPrefix(a.GetString("message"), "late answer") {
				applied++
			}
		}
		if applied != 1 {
			var seen []string
			for _, a := range atts {
				seen = append(seen, fmt.Sprintf("attempt %d at %s from %s: %q", a.GetInt("attempt"),
					a.GetString("started_at"), a.GetString("source"), a.GetString("message")))
			}
			t.Errorf("%s: %d applied successful attempts, want 1 (status %s, requested_at %s): %s", ced, applied,
				info.GetString("status"), info.GetString("requested_at"), strings.Join(seen, "; "))
		}
	}
}

// TestAgentsShareTheQueue: two agents with one slot each answer every
// check, each check exactly once, and the status lists both.
func TestAgentsShareTheQueue(t *testing.T) {
	t.Parallel()
	e := setup(t, 0)
	la, lb := &lookup{}, &lookup{}
	e.runAgent(t, e.connect(t, "uno"), agent.Config{Name: "uno", Slots: 1, Lookup: la})
	e.runAgent(t, e.connect(t, "dos"), agent.Config{Name: "dos", Slots: 1, Lookup: lb, PacingGap: 5 * time.Second})
	users := e.addUsers(t, 12)
	e.waitAnswered(t, users)
	e.waitAnswered(t, e.seeded(t))
	total := len(users) + len(e.seeded(t))
	if la.calls.Load()+lb.calls.Load() != int32(total) {
		t.Errorf("lookups %d + %d, want %d in all", la.calls.Load(), lb.calls.Load(), total)
	}
	var st broker.Status
	waitFor(t, 15*time.Second, "both agents in the status", func() bool {
		st = e.remote.Status(t.Context())
		return len(st.Agents) == 2 && st.Agents[0].LookupsDone+st.Agents[1].LookupsDone == uint64(total)
	})
	if st.Agents[0].Name != "dos" || st.Agents[0].PacingLimitPerMinute != 12 || st.Agents[0].Address != "127.0.0.1" {
		t.Errorf("agent status %+v", st.Agents[0])
	}
	if st.Queue.Waiting != 0 || st.Queue.InFlight != 0 {
		t.Errorf("queue %+v, want empty", st.Queue)
	}
	raw, _ := json.Marshal(st)
	t.Logf("status: %s", raw)
}

// TestDeadAgentsCheckIsRedelivered: an agent that vanishes mid-lookup
// (connection gone, no nak: as kill -9) loses nothing: after the ack wait
// another agent answers the check.
func TestDeadAgentsCheckIsRedelivered(t *testing.T) {
	t.Parallel()
	e := setup(t, time.Second)
	dying := &lookup{hold: make(chan struct{}), held: make(chan string, 1)}
	ncDying := e.connect(t, "muere")
	e.runAgent(t, ncDying, agent.Config{Name: "muere", Slots: 1, Lookup: dying})
	users := e.addUsers(t, 1)
	<-dying.held
	ncDying.Close() // the process is gone: nothing acked, nothing naked
	survivor := &lookup{}
	e.runAgent(t, e.connect(t, "vive"), agent.Config{Name: "vive", Slots: 1, Lookup: survivor})
	e.waitAnswered(t, users)
	e.waitAnswered(t, e.seeded(t))
	if n, want := survivor.calls.Load(), int32(len(users)+len(e.seeded(t))); n != want {
		t.Errorf("survivor looked up %d times, want %d", n, want)
	}
}

// TestLateAnswerIsRecordedNotApplied: a second answer for an attempt that
// was answered already goes to census_attempts and changes nothing.
func TestLateAnswerIsRecordedNotApplied(t *testing.T) {
	t.Parallel()
	e := setup(t, 0)
	e.runAgent(t, e.connect(t, "uno"), agent.Config{Name: "uno", Slots: 1, Lookup: &lookup{}})
	users := e.addUsers(t, 1)
	e.waitAnswered(t, users)
	var id, ced string
	for id, ced = range users {
	}
	info, err := e.app.FindFirstRecordByData(schema.CedulaInfoCollection, "user", id)
	if err != nil {
		t.Fatal(err)
	}
	before := info.GetString("mesa")
	// A different, late answer to attempt 1, as a redelivered agent's.
	res := answerOf(ced)
	res.Mesa = "999"
	job := broker.Job{ID: info.Id, Attempt: 1, Round: info.GetDateTime("requested_at").Time().UnixNano(), Cedula: ced}
	late := broker.NewOutcome(job, "tarde", res, nil, time.Second)
	data, _ := json.Marshal(late)
	nc := e.connect(t, "tarde")
	confirm, err := nc.SubscribeSync(broker.ConfirmSubject(job))
	if err != nil {
		t.Fatal(err)
	}
	cid, err := nc.GetClientID()
	if err != nil {
		t.Fatal(err)
	}
	if err := nc.Publish(broker.ResultsSubject(cid), data); err != nil {
		t.Fatal(err)
	}
	if _, err := confirm.NextMsg(10 * time.Second); err != nil {
		t.Fatalf("no confirmation of the late answer: %v", err)
	}
	after, _ := e.app.FindRecordById(schema.CedulaInfoCollection, info.Id)
	if after.GetString("mesa") != before {
		t.Errorf("the late answer overwrote the record: mesa %q, was %q", after.GetString("mesa"), before)
	}
	rows, err := e.app.FindRecordsByFilter(schema.AttemptsCollection, "user = {:u} && message ~ 'late answer from agent tarde'", "", 0, 0, map[string]any{"u": id})
	if err != nil || len(rows) != 1 {
		t.Fatalf("late answer rows %d (%v), want 1", len(rows), err)
	}
}

// TestBlockedAgentStopsOthersContinue: an agent whose address is blocked
// trips its own breaker and stops pulling; the other answers everything.
func TestBlockedAgentStopsOthersContinue(t *testing.T) {
	t.Parallel()
	e := setup(t, 0)
	blocked := &lookup{fail: census.Fail(census.ErrBlocked, nil, "F5 block page")}
	br := worker.NewBreaker(1, time.Hour, time.Hour, clockwork.NewRealClock(), nil)
	e.runAgent(t, e.connect(t, "bloqueado"), agent.Config{Name: "bloqueado", Slots: 1, Lookup: blocked, Breaker: br})
	users := e.addUsers(t, 6)
	waitFor(t, 30*time.Second, "the blocked agent's breaker open", func() bool { return br.Status().State == worker.BreakerOpen })
	e.runAgent(t, e.connect(t, "libre"), agent.Config{Name: "libre", Slots: 2, Lookup: &lookup{}})
	e.waitAnswered(t, users)
	if n := blocked.calls.Load(); n != 1 {
		t.Errorf("the blocked agent looked up %d times, want 1 (its breaker stops it)", n)
	}
	if st := e.w.Status().Breaker.State; st != worker.BreakerClosed {
		t.Errorf("server breaker %s: one agent's block must not stop the others", st)
	}
}

// TestRevokedKeyIsDisconnectedAndRefused: revoking a key from the
// dashboard (a record update) closes the agent's connection, and the key
// no longer connects.
func TestRevokedKeyIsDisconnectedAndRefused(t *testing.T) {
	t.Parallel()
	e := setup(t, 0)
	key, err := broker.CreateKey(e.app, "revocada")
	if err != nil {
		t.Fatal(err)
	}
	closed := make(chan struct{})
	nc, err := nats.Connect(e.remote.AgentsURL(), nats.Token(key), nats.MaxReconnects(2), nats.ReconnectWait(10*time.Millisecond),
		nats.ClosedHandler(func(*nats.Conn) { close(closed) }))
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	rec, err := broker.VerifyKey(e.app, key)
	if err != nil {
		t.Fatal(err)
	}
	rec.Set("revoked", true)
	if err := e.app.Save(rec); err != nil {
		t.Fatal(err)
	}
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		t.Fatal("the revoked agent is still connected")
	}
	_, err = nats.Connect(e.remote.AgentsURL(), nats.Token(key))
	if !errors.Is(err, nats.ErrAuthorization) {
		t.Errorf("revoked key connects: %v", err)
	}
	_, err = nats.Connect(e.remote.AgentsURL(), nats.Token("padron-agent.nope.nope"))
	if !errors.Is(err, nats.ErrAuthorization) {
		t.Errorf("unknown key connects: %v", err)
	}
}

// TestAgentMayOnlyDoAgentsWork: an agent's key cannot touch the streams.
func TestAgentMayOnlyDoAgentsWork(t *testing.T) {
	t.Parallel()
	e := setup(t, 0)
	nc := e.connect(t, "curiosa")
	msg, err := nc.Request("$JS.API.STREAM.DELETE."+broker.ChecksStream, nil, 2*time.Second)
	if err == nil {
		t.Fatalf("an agent deleted the stream: %s", msg.Data)
	}
}

// TestRefreshIsLookedUpAgain: a refresh of a check answered a moment ago
// starts again at attempt 1 and still reaches an agent (its request is
// another round, not a duplicate of the first).
func TestRefreshIsLookedUpAgain(t *testing.T) {
	t.Parallel()
	e := setup(t, 0)
	l := &lookup{}
	e.runAgent(t, e.connect(t, "uno"), agent.Config{Name: "uno", Slots: 1, Lookup: l})
	users := e.addUsers(t, 1)
	e.waitAnswered(t, users)
	var id string
	for id = range users {
	}
	info, err := e.app.FindFirstRecordByData(schema.CedulaInfoCollection, "user", id)
	if err != nil {
		t.Fatal(err)
	}
	first := info.GetDateTime("fetched_at")
	if _, err := census.Queue(e.app, info, time.Now(), census.Request{Kind: census.KindRefresh}); err != nil {
		t.Fatal(err)
	}
	e.w.Wake()
	waitFor(t, 30*time.Second, "the refresh answered", func() bool {
		r, err := e.app.FindRecordById(schema.CedulaInfoCollection, info.Id)
		return err == nil && r.GetString("status") == census.StatusActive && r.GetDateTime("fetched_at").After(first)
	})
}
