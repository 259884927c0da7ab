package broker

import (
	"context"
	"encoding/json"
	"sort"
	"sync"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/padron/padron/worker"
)

// HeartbeatEvery is how often agents report their status.
const HeartbeatEvery = 5 * time.Second

// AgentStatus is what an agent reports of itself, and the status endpoint
// lists.
type AgentStatus struct {
	Name string `json:"name"`
	// Address is the agent's address as the broker sees it.
	Address        string    `json:"address"`
	ConnectedSince time.Time `json:"connected_since"`
	LastSeen       time.Time `json:"last_seen"`
	LookupsDone    uint64    `json:"lookups_done"`
	// RatePerMinute is lookups finished in the last minutes, per minute;
	// PacingLimitPerMinute is what the agent's pacing gap allows.
	RatePerMinute        float64              `json:"rate_per_minute"`
	PacingLimitPerMinute float64              `json:"pacing_limit_per_minute"`
	Slots                int                  `json:"slots"`
	Breaker              worker.BreakerStatus `json:"breaker"`
	// Current are the checks (cedula_info ids) the agent is looking up.
	Current []string `json:"current"`
	// Answered counts this agent's answers the server applied.
	Answered uint64 `json:"answered"`
	// ClientID is the agent's connection id on the broker. The server
	// takes it from the heartbeat's subject (HeartbeatSubject), which the
	// embedded broker binds to the connection, never from the payload.
	ClientID uint64 `json:"client_id,omitempty"`
	// Key is the name of that agent key (embedded broker only), whose
	// record in agent_keys carries this status too.
	Key string `json:"key,omitempty"`
}

// book remembers the agents' latest heartbeats.
type book struct {
	mu     sync.Mutex
	agents map[string]AgentStatus
	counts map[string]uint64 // agent name → answers applied, for the status list
	keys   map[string]string // agent name → its heartbeats' agent key id
}

func newBook() *book {
	return &book{agents: map[string]AgentStatus{}, counts: map[string]uint64{}, keys: map[string]string{}}
}

// answered counts an applied answer under the agent name it carries, for
// the status list; keyID is the agent key whose connection published it
// ("" when unknown: an external broker, the server's own agent). An answer
// of one key that names another key's agent is not counted (false).
func (b *book) answered(agent, keyID string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if owner := b.keys[agent]; keyID != "" && owner != "" && owner != keyID {
		return false
	}
	b.counts[agent]++
	return true
}

// owner is the key agent's heartbeats came from, if any did.
func (b *book) owner(agent string) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.keys[agent]
}

// keyed records that agent's heartbeats come from keyID's connections.
func (b *book) keyed(agent, keyID string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.keys[agent] = keyID
}

// answered counts an applied answer: on the agent key whose connection
// published it (keyID, read from the answer's subject, never from the
// name in its payload), and in the status list under that name.
func (r *Remote) answered(agent, keyID string) {
	if !r.agents.answered(agent, keyID) {
		r.log.Warn("answer names another agent key's agent: counted on its own key only",
			"agent", agent, "agent_key", keyID)
	}
	if keyID == "" || r.auth == nil {
		return
	}
	if err := r.auth.status.answered(keyID, 1); err != nil {
		r.log.Warn("count an agent's answer on its key", "agent", agent, "agent_key", keyID, "error", err)
	}
}

// onHeartbeat records an agent's status. Who sent it is the connection
// its subject names (the embedded broker lets each agent publish on its
// own connection's subject only), so an agent can write its own key's
// status and no other's; nor may it take a name another connected key's
// agent goes by.
func (r *Remote) onHeartbeat(m *nats.Msg) {
	var st AgentStatus
	clientID, ok := subjectClient(HeartbeatPrefix, m.Subject)
	if !ok || json.Unmarshal(m.Data, &st) != nil || st.Name == "" {
		return
	}
	st.ClientID = clientID
	st.LastSeen = time.Now().UTC()
	var keyID string
	if r.auth != nil {
		keyID, _ = r.auth.KeyOf(clientID)
		if owner := r.agents.owner(st.Name); owner != "" && owner != keyID && r.auth.Connected(owner) {
			r.log.Warn("heartbeat refused: another agent key's agent goes by this name",
				"agent", st.Name, "agent_key", keyID, "name_key", owner)
			return
		}
	}
	if keyID != "" {
		r.agents.keyed(st.Name, keyID)
		if rec, err := r.app.FindRecordById(agentKeys, keyID); err == nil {
			st.Key = rec.GetString("name")
		}
		if err := r.auth.status.seen(keyID, st.Breaker.State, st.LastSeen); err != nil {
			r.log.Warn("record an agent's heartbeat on its key", "agent", st.Name, "error", err)
		}
	}
	r.agents.mu.Lock()
	r.agents.agents[st.Name] = st
	r.agents.mu.Unlock()
}

// QueueStatus is the work queue as the broker reports it.
type QueueStatus struct {
	// Waiting checks no agent has pulled yet.
	Waiting uint64 `json:"waiting"`
	// InFlight checks pulled by an agent and not acked yet.
	InFlight int `json:"in_flight"`
	// Redelivered checks were handed out again (an agent died or gave up).
	Redelivered int `json:"redelivered"`
	// Results waiting for the server to apply them.
	Results uint64 `json:"results"`
}

// Status is the broker's part of the worker status.
type Status struct {
	Broker    string        `json:"broker"`
	AgentsURL string        `json:"agents_url"`
	Connected bool          `json:"connected"`
	Queue     QueueStatus   `json:"queue"`
	Agents    []AgentStatus `json:"agents"`
	Error     string        `json:"error,omitempty"`
}

// agentGone is how long an agent stays listed after its last heartbeat.
const agentGone = 6 * HeartbeatEvery

// Status reports the queue and the agents seen lately.
func (r *Remote) Status(ctx context.Context) Status {
	st := Status{Broker: r.cfg.URL, AgentsURL: r.AgentsURL(), Agents: []AgentStatus{}}
	if r.nc == nil {
		return st
	}
	st.Connected = r.nc.IsConnected()
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if c, err := r.js.Consumer(ctx, ChecksStream, AgentsConsumer); err == nil {
		if info, err := c.Info(ctx); err == nil {
			st.Queue.Waiting, st.Queue.InFlight, st.Queue.Redelivered = info.NumPending, info.NumAckPending, info.NumRedelivered
		} else {
			st.Error = err.Error()
		}
	} else {
		st.Error = err.Error()
	}
	if c, err := r.js.Consumer(ctx, ResultsStream, ServerConsumer); err == nil {
		if info, err := c.Info(ctx); err == nil {
			st.Queue.Results = info.NumPending + uint64(info.NumAckPending)
		}
	}
	now := time.Now()
	r.agents.mu.Lock()
	for name, a := range r.agents.agents {
		if now.Sub(a.LastSeen) > agentGone {
			delete(r.agents.agents, name)
			continue
		}
		a.Answered = r.agents.counts[name]
		st.Agents = append(st.Agents, a)
	}
	r.agents.mu.Unlock()
	sort.Slice(st.Agents, func(i, j int) bool { return st.Agents[i].Name < st.Agents[j].Name })
	return st
}
