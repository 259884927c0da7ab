package broker_test

import (
	"testing"
	"time"

	"github.com/padron/padron/agent"
	"github.com/padron/padron/schema"
	"github.com/padron/padron/worker"
)

// TestAgentStatusOnItsKey: the server keeps each agent's status on its key
// record, the dashboard's agent_keys list: connected with its address and
// since when, last seen, the answers applied, the breaker; and
// disconnected once its connection closes. The status endpoint names the
// agent's key.
func TestAgentStatusOnItsKey(t *testing.T) {
	t.Parallel()
	e := setup(t, 0)
	before := time.Now().Add(-time.Second)
	nc := e.connect(t, "regional")
	stop := e.runAgent(t, nc, agent.Config{Name: "portatil", Slots: 1, Lookup: &lookup{}})
	users := e.addUsers(t, 3)
	e.waitAnswered(t, users)
	e.waitAnswered(t, e.seeded(t))
	total := len(users) + len(e.seeded(t))

	key := func() map[string]any {
		rec, err := e.app.FindFirstRecordByData(schema.AgentKeysCollection, "name", "regional")
		if err != nil {
			t.Fatal(err)
		}
		return map[string]any{"connected": rec.GetBool("connected"), "address": rec.GetString("address"),
			"lookups_done": rec.GetInt("lookups_done"), "breaker": rec.GetString("breaker"),
			"since": rec.GetDateTime("connected_since").Time(), "seen": rec.GetDateTime("last_seen").Time()}
	}
	var k map[string]any
	deadline := time.Now().Add(60 * time.Second)
	for k = key(); k["connected"] != true || k["lookups_done"] != total || k["breaker"] != worker.BreakerClosed; k = key() {
		if time.Now().After(deadline) {
			t.Fatalf("key status %v, want connected, %d lookups done, breaker %s", k, total, worker.BreakerClosed)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if k["address"] != "127.0.0.1" {
		t.Errorf("address %q, want 127.0.0.1", k["address"])
	}
	if since := k["since"].(time.Time); since.Before(before) || since.After(time.Now()) {
		t.Errorf("connected_since %v, want since the test began (%v)", since, before)
	}
	if seen := k["seen"].(time.Time); seen.Before(k["since"].(time.Time)) {
		t.Errorf("last_seen %v before connected_since %v", seen, k["since"])
	}
	st := e.remote.Status(t.Context())
	if len(st.Agents) != 1 || st.Agents[0].Name != "portatil" || st.Agents[0].Key != "regional" {
		t.Errorf("status agents %+v, want portatil on key regional", st.Agents)
	}

	stop()
	nc.Close()
	waitFor(t, 15*time.Second, "the key disconnected", func() bool { return key()["connected"] == false })
	if k := key(); k["lookups_done"] != total {
		t.Errorf("lookups_done %v after the disconnection, want %d kept", k["lookups_done"], total)
	}
}
