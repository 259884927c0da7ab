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
}

// book remembers the agents' latest heartbeats.
type book struct {
	mu     sync.Mutex
	agents map[string]AgentStatus
	counts map[string]uint64
}

func newBook() *book { return &book{agents: map[string]AgentStatus{}, counts: map[string]uint64{}} }

func (b *book) answered(agent string) {
	b.mu.Lock()
	b.counts[agent]++
	b.mu.Unlock()
}

func (r *Remote) onHeartbeat(m *nats.Msg) {
	var st AgentStatus
	if json.Unmarshal(m.Data, &st) != nil || st.Name == "" {
		return
	}
	st.LastSeen = time.Now().UTC()
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
