package broker_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/padron/padron/broker"
	"github.com/padron/padron/schema"
	"github.com/padron/padron/worker"
)

// TestHeartbeatSpeaksForItsOwnKeyOnly: agent key A cannot write agent key
// B's status. Publishing on B's heartbeat subject is refused by the
// broker; a heartbeat on A's own subject that carries B's connection id
// lands on A's key; one that takes the name B's agent goes by is dropped.
// B's record and B's line in the status stay as B's own heartbeat left
// them.
func TestHeartbeatSpeaksForItsOwnKeyOnly(t *testing.T) {
	t.Parallel()
	e := setup(t, 0)
	ncB := e.connect(t, "sede")
	idB, err := ncB.GetClientID()
	if err != nil {
		t.Fatal(err)
	}
	beat := func(nc *nats.Conn, subject string, st broker.AgentStatus) {
		t.Helper()
		data, _ := json.Marshal(st)
		if err := nc.Publish(subject, data); err != nil {
			t.Fatal(err)
		}
		if err := nc.Flush(); err != nil {
			t.Fatal(err)
		}
	}
	keyRec := func(name string) (breaker string, seen time.Time) {
		rec, err := e.app.FindFirstRecordByData(schema.AgentKeysCollection, "name", name)
		if err != nil {
			t.Fatal(err)
		}
		return rec.GetString("breaker"), rec.GetDateTime("last_seen").Time()
	}

	// B's own heartbeat.
	beat(ncB, broker.HeartbeatSubject(idB), broker.AgentStatus{Name: "sede-pc", ClientID: idB,
		Breaker: worker.BreakerStatus{State: worker.BreakerClosed}})
	waitFor(t, 10*time.Second, "B's heartbeat on its key", func() bool {
		b, _ := keyRec("sede")
		return b == worker.BreakerClosed
	})
	_, seenB := keyRec("sede")

	ncA, idA, refused := e.intruder(t, "intruso")

	// On B's subject: the broker refuses it.
	beat(ncA, broker.HeartbeatSubject(idB), broker.AgentStatus{Name: "sede-pc", ClientID: idB,
		Breaker: worker.BreakerStatus{State: worker.BreakerOpen}})
	select {
	case err := <-refused:
		if !strings.Contains(strings.ToLower(err.Error()), "permissions violation") ||
			!strings.Contains(err.Error(), broker.HeartbeatSubject(idB)) {
			t.Errorf("A publishing B's heartbeat: %v, want a permissions violation on %s", err, broker.HeartbeatSubject(idB))
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the broker let A publish on B's heartbeat subject")
	}
	// On A's subject with B's connection id and B's agent's name: dropped.
	beat(ncA, broker.HeartbeatSubject(idA), broker.AgentStatus{Name: "sede-pc", ClientID: idB,
		Breaker: worker.BreakerStatus{State: worker.BreakerOpen}})
	// On A's subject with B's connection id under A's own name: A's key.
	// Heartbeats of one connection arrive in order, so once this one is on
	// A's key the two before it have been dealt with.
	beat(ncA, broker.HeartbeatSubject(idA), broker.AgentStatus{Name: "intruso-pc", ClientID: idB,
		Breaker: worker.BreakerStatus{State: worker.BreakerHalfOpen}})
	waitFor(t, 10*time.Second, "A's heartbeat on A's key", func() bool {
		b, _ := keyRec("intruso")
		return b == worker.BreakerHalfOpen
	})

	if b, seen := keyRec("sede"); b != worker.BreakerClosed || !seen.Equal(seenB) {
		t.Errorf("B's key: breaker %q, last seen %v; want %q and %v, as B left them", b, seen, worker.BreakerClosed, seenB)
	}
	agents := map[string]broker.AgentStatus{}
	for _, a := range e.remote.Status(t.Context()).Agents {
		agents[a.Name] = a
	}
	if a := agents["sede-pc"]; a.Key != "sede" || a.ClientID != idB || a.Breaker.State != worker.BreakerClosed {
		t.Errorf("status of sede-pc %+v, want B's own: key sede, connection %d, breaker closed", a, idB)
	}
	if a := agents["intruso-pc"]; a.Key != "intruso" || a.ClientID != idA {
		t.Errorf("status of intruso-pc %+v, want key intruso on connection %d", a, idA)
	}
}
