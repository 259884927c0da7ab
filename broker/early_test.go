package broker_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/padron/padron/agent"
	"github.com/padron/padron/broker"
	"github.com/padron/padron/census"
	"github.com/padron/padron/schema"
)

// TestAnswerBeforeTheClaim: an agent answers an attempt the server has not
// claimed (yet, or again: the server that published it died and its lease
// was released). The answer is held, not recorded as late; the agent is
// confirmed at once (before, it waited up to 2 minutes with its slot busy,
// and after a server restart every agent could be stuck so, on answers
// whose checks the worker could not claim, its slots waiting on checks no
// free agent pulled). The answer is applied once the worker claims that
// attempt: one lookup, one applied attempt, and the queue ends empty (the
// republished attempt is a duplicate).
func TestAnswerBeforeTheClaim(t *testing.T) {
	t.Parallel()
	e := setupIdle(t, broker.Config{URL: broker.Embedded, Listen: "127.0.0.1:0"}, 8)
	users := e.addUsers(t, 1)
	var id, ced string
	for id, ced = range users {
	}
	info, err := e.app.FindFirstRecordByData(schema.CedulaInfoCollection, "user", id)
	if err != nil {
		t.Fatal(err)
	}
	if info.GetString("status") != census.StatusPending {
		t.Fatalf("status %q, want pending (nobody claims yet)", info.GetString("status"))
	}
	// The attempt as the dead server published it.
	job := broker.Job{ID: info.Id, Attempt: census.Attempt(info), Round: info.GetDateTime("requested_at").Time().UnixNano(), Cedula: ced}
	data, _ := json.Marshal(job)
	srv, err := e.remote.Connect("muerto")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	js, err := jetstream.New(srv)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := js.Publish(t.Context(), broker.ChecksSubject, data, jetstream.WithMsgID(broker.JobMsgID(job))); err != nil {
		t.Fatal(err)
	}
	l := &lookup{}
	e.runAgent(t, e.connect(t, "uno"), agent.Config{Name: "uno", Slots: 1, Lookup: l})
	// The answer is held on the results stream, not applied; the agent is
	// told the server holds it, so it acks its check and its slot is free
	// (it does not wait for a claim that may need that very slot).
	waitFor(t, 20*time.Second, "the answer held by the server, the check acked by its agent", func() bool {
		st := e.remote.Status(t.Context())
		return l.calls.Load() == 1 && st.Queue.Results == 1 && st.Queue.InFlight == 0 && st.Queue.Waiting == 0
	})
	held, err := e.app.FindRecordById(schema.CedulaInfoCollection, info.Id)
	if err != nil {
		t.Fatal(err)
	}
	if s := held.GetString("status"); s != census.StatusPending {
		t.Fatalf("status %q before the claim, want pending", s)
	}
	if n, _ := e.app.CountRecords(schema.AttemptsCollection); n != 0 {
		t.Fatalf("%d attempts recorded before the claim, want 0 (the answer is held, not late)", n)
	}
	if err := e.w.Start(); err != nil {
		t.Fatal(err)
	}
	e.waitAnswered(t, users)
	// The template's people are checked too; until they are, the queue can
	// read empty only because the worker has not published them yet.
	e.waitAnswered(t, e.seeded(t))
	waitFor(t, 20*time.Second, "the queue empty", func() bool {
		st := e.remote.Status(t.Context())
		return st.Queue.Waiting == 0 && st.Queue.InFlight == 0 && st.Queue.Results == 0
	})
	if n := l.calls.Load(); n != int32(1+len(e.seeded(t))) {
		t.Errorf("%d lookups, want %d: the held answer's check looked up once", n, 1+len(e.seeded(t)))
	}
	late, err := e.app.FindRecordsByFilter(schema.AttemptsCollection, "message ~ 'late answer'", "", 0, 0)
	if err != nil || len(late) != 0 {
		t.Errorf("late answers %d (%v), want none", len(late), err)
	}
}
