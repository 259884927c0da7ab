package broker_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/padron/padron/agent"
	"github.com/padron/padron/broker"
	"github.com/padron/padron/census"
	"github.com/padron/padron/schema"
	"github.com/padron/padron/worker"
)

// lookupsDone is the lookups_done the server counted on the agent key name.
func (e *env) lookupsDone(t *testing.T, name string) int {
	t.Helper()
	rec, err := e.app.FindFirstRecordByData(schema.AgentKeysCollection, "name", name)
	if err != nil {
		t.Fatal(err)
	}
	return rec.GetInt("lookups_done")
}

// TestAnswerCreditsItsPublishersKey: an agent holding key A that answers
// under the name agent key B's agent goes by credits A's key, never B's:
// the answer's subject (A's connection) says who answered, not its
// payload. B's line in the status list counts none of them either.
func TestAnswerCreditsItsPublishersKey(t *testing.T) {
	t.Parallel()
	e := setup(t, 0)
	ncB := e.connect(t, "sede")
	idB, err := ncB.GetClientID()
	if err != nil {
		t.Fatal(err)
	}
	beatB := func() {
		t.Helper()
		data, _ := json.Marshal(broker.AgentStatus{Name: "sede-pc", ClientID: idB,
			Breaker: worker.BreakerStatus{State: worker.BreakerClosed}})
		if err := ncB.Publish(broker.HeartbeatSubject(idB), data); err != nil {
			t.Fatal(err)
		}
	}
	beatB()
	waitFor(t, 10*time.Second, "B's heartbeat on its key", func() bool {
		rec, err := e.app.FindFirstRecordByData(schema.AgentKeysCollection, "name", "sede")
		return err == nil && rec.GetString("breaker") == worker.BreakerClosed
	})

	// A real agent on key A that calls itself by B's agent's name.
	l := &lookup{}
	e.runAgent(t, e.connect(t, "intruso"), agent.Config{Name: "sede-pc", Slots: 2, Lookup: l})
	users := e.addUsers(t, 4)
	e.waitAnswered(t, users)
	e.waitAnswered(t, e.seeded(t))
	total := len(users) + len(e.seeded(t))
	if n := l.calls.Load(); n != int32(total) {
		t.Fatalf("A's agent looked up %d, want %d", n, total)
	}
	waitFor(t, 20*time.Second, "every answer counted on A's key", func() bool { return e.lookupsDone(t, "intruso") == total })
	if n := e.lookupsDone(t, "sede"); n != 0 {
		t.Errorf("B's key counts %d lookups done, want 0: B answered nothing", n)
	}
	beatB() // B's line stays listed
	waitFor(t, 10*time.Second, "B's line in the status", func() bool {
		for _, a := range e.remote.Status(t.Context()).Agents {
			if a.Name == "sede-pc" && a.Key == "sede" {
				if a.Answered != 0 {
					t.Fatalf("B's line counts %d answers, want 0: they were A's", a.Answered)
				}
				return true
			}
		}
		return false
	})
}

// TestAnswerOnAnotherConnectionsSubjectIsRefused: the broker refuses an
// agent's answer published on another connection's results subject, and
// the server applies nothing of it (no confirmation, the check still in
// flight, no key credited); the same answer on its own subject is applied
// and credits its own key.
func TestAnswerOnAnotherConnectionsSubjectIsRefused(t *testing.T) {
	t.Parallel()
	e := setup(t, 0)
	idB, err := e.connect(t, "sede").GetClientID()
	if err != nil {
		t.Fatal(err)
	}
	ncA, idA, refused := e.intruder(t, "intruso")

	// A pulls a check as an agent does.
	js, err := jetstream.New(ncA)
	if err != nil {
		t.Fatal(err)
	}
	cons, err := js.Consumer(t.Context(), broker.ChecksStream, broker.AgentsConsumer)
	if err != nil {
		t.Fatal(err)
	}
	var msg jetstream.Msg
	waitFor(t, 20*time.Second, "a check on the queue", func() bool {
		batch, err := cons.Fetch(1, jetstream.FetchMaxWait(time.Second))
		if err != nil {
			t.Fatal(err)
		}
		for m := range batch.Messages() {
			msg = m
		}
		return msg != nil
	})
	var job broker.Job
	if err := json.Unmarshal(msg.Data(), &job); err != nil {
		t.Fatal(err)
	}
	data, _ := json.Marshal(broker.NewOutcome(job, "sede-pc", answerOf(job.Cedula), nil, time.Second))
	confirm, err := ncA.SubscribeSync(broker.ConfirmSubject(job))
	if err != nil {
		t.Fatal(err)
	}

	// On B's results subject: refused by the broker, never stored.
	if err := ncA.Publish(broker.ResultsSubject(idB), data); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-refused:
		if !strings.Contains(strings.ToLower(err.Error()), "permissions violation") ||
			!strings.Contains(err.Error(), broker.ResultsSubject(idB)) {
			t.Fatalf("A answering on B's subject: %v, want a permissions violation on %s", err, broker.ResultsSubject(idB))
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the broker let A publish on B's results subject")
	}
	stream := e.resultsStream(t)
	info, err := stream.Info(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if info.State.LastSeq != 0 {
		t.Fatalf("the results stream stored %d messages, want none", info.State.LastSeq)
	}
	if n, _, err := confirm.Pending(); err != nil || n != 0 {
		t.Fatalf("A's refused answer: %d confirmations (%v), want none", n, err)
	}
	check, err := e.app.FindRecordById(schema.CedulaInfoCollection, job.ID)
	if err != nil {
		t.Fatal(err)
	}
	if s := check.GetString("status"); !census.IsInFlight(s) {
		t.Fatalf("check status %q after the refused answer, want still in flight", s)
	}

	// On its own subject: applied, confirmed, credited to A.
	if err := ncA.Publish(broker.ResultsSubject(idA), data); err != nil {
		t.Fatal(err)
	}
	if _, err := confirm.NextMsg(20 * time.Second); err != nil {
		t.Fatalf("no confirmation of A's answer on its own subject: %v", err)
	}
	if err := msg.Ack(); err != nil {
		t.Fatal(err)
	}
	check, err = e.app.FindRecordById(schema.CedulaInfoCollection, job.ID)
	if err != nil {
		t.Fatal(err)
	}
	if s, m := check.GetString("status"), check.GetString("mesa"); s != census.StatusActive || m != answerOf(job.Cedula).Mesa {
		t.Errorf("check status %q mesa %q, want active with mesa %q", s, m, answerOf(job.Cedula).Mesa)
	}
	waitFor(t, 10*time.Second, "A's answer counted on A's key", func() bool { return e.lookupsDone(t, "intruso") == 1 })
	if n := e.lookupsDone(t, "sede"); n != 0 {
		t.Errorf("B's key counts %d lookups done, want 0", n)
	}
}
