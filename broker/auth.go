package broker

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/pocketbase/pocketbase/core"

	"github.com/padron/padron/schema"
)

const agentKeys = schema.AgentKeysCollection

// Auth admits clients of the embedded broker: agents by their agent key,
// limited to what an agent does, and the server itself by a token made at
// start. It remembers which connections each key opened, so revoking the
// key disconnects them.
type Auth struct {
	app   core.App
	log   *slog.Logger
	token string // the server's own connection

	mu      sync.Mutex
	clients map[string]map[uint64]bool // agent key id → connection ids
	keyOf   map[uint64]string          // connection id → agent key id
	// conns remembers every agent connection of this broker, open or
	// closed lately, to credit answers it published (Publisher).
	conns map[uint64]agentConn
	ns    *server.Server

	status keyStatus
}

// agentConn is one agent connection: the key it logged in with, when it
// did, and when it closed (zero while open).
type agentConn struct {
	keyID         string
	since, closed time.Time
}

// connMemory is how long after an agent's connection closed an answer it
// published still credits its key: an answer can wait on the results
// stream until the worker claims its attempt.
const connMemory = time.Hour

// NewAuth builds the authenticator for app's agent keys.
func NewAuth(app core.App, log *slog.Logger) *Auth {
	var raw [24]byte
	_, _ = rand.Read(raw[:])
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Auth{app: app, log: log, token: hex.EncodeToString(raw[:]), clients: map[string]map[uint64]bool{},
		keyOf: map[uint64]string{}, conns: map[uint64]agentConn{}, status: keyStatus{app: app}}
}

// ServerToken is the credential of the server's own connection.
func (a *Auth) ServerToken() string { return a.token }

// agentPermissions is all the agent on connection clientID may do: pull
// and ack checks, publish its answers and its heartbeat (each on its own
// connection's subject only, so it cannot speak for another key), hear
// confirmations.
func agentPermissions(clientID uint64) *server.Permissions {
	return &server.Permissions{
		Publish: &server.SubjectPermission{Allow: []string{
			"$JS.API.INFO",
			"$JS.API.STREAM.INFO." + ChecksStream,
			"$JS.API.STREAM.INFO." + ResultsStream,
			"$JS.API.CONSUMER.INFO." + ChecksStream + "." + AgentsConsumer,
			"$JS.API.CONSUMER.MSG.NEXT." + ChecksStream + "." + AgentsConsumer,
			"$JS.ACK." + ChecksStream + "." + AgentsConsumer + ".>",
			ResultsSubject(clientID),
			HeartbeatSubject(clientID),
		}},
		Subscribe: &server.SubjectPermission{Allow: []string{"_INBOX.>", ConfirmPrefix + ".>"}},
	}
}

// Check implements server.Authentication.
func (a *Auth) Check(c server.ClientAuthentication) bool {
	opts := c.GetOpts()
	if subtle.ConstantTimeCompare([]byte(opts.Token), []byte(a.token)) == 1 {
		c.RegisterUser(&server.User{Username: "padron-server"})
		return true
	}
	rec, err := VerifyKey(a.app, opts.Token)
	if err != nil {
		a.log.Warn("lookup agent refused: agent key unknown or revoked", "remote", addr(c))
		return false
	}
	now := time.Now()
	a.mu.Lock()
	if a.clients[rec.Id] == nil {
		a.clients[rec.Id] = map[uint64]bool{}
	}
	a.clients[rec.Id][c.GetID()] = true
	a.keyOf[c.GetID()] = rec.Id
	a.conns[c.GetID()] = agentConn{keyID: rec.Id, since: now}
	a.mu.Unlock()
	if err := a.status.connected(rec.Id, host(addr(c)), now); err != nil {
		a.log.Warn("record an agent's connection on its key", "agent_key", rec.Id, "error", err)
	}
	c.RegisterUser(&server.User{Username: rec.GetString("name"), Permissions: agentPermissions(c.GetID())})
	return true
}

func addr(c server.ClientAuthentication) string {
	if ra := c.RemoteAddress(); ra != nil {
		return ra.String()
	}
	return ""
}

// host is address without its port.
func host(address string) string {
	if h, _, err := net.SplitHostPort(address); err == nil {
		return h
	}
	return address
}

// KeyOf is the agent key a connection of the broker logged in with; ok is
// false for the server's own connections and unknown ones.
func (a *Auth) KeyOf(clientID uint64) (keyID string, ok bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	keyID, ok = a.keyOf[clientID]
	return keyID, ok
}

// Publisher is the agent key whose connection clientID published a
// message the broker stored at stored; ok is false for the server's own
// connections, unknown ones, and ones that were not open then. Connection
// ids start again at each broker start, so a message kept in the store
// from before is never credited to the new connection that took its id.
func (a *Auth) Publisher(clientID uint64, stored time.Time) (keyID string, ok bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	c, ok := a.conns[clientID]
	if !ok || stored.Before(c.since) || (!c.closed.IsZero() && stored.After(c.closed)) {
		return "", false
	}
	return c.keyID, true
}

// Connected reports whether the agent key has a connection open.
func (a *Auth) Connected(keyID string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.clients[keyID]) > 0
}

// watchEvery is how often Auth looks for agents' closed connections.
const watchEvery = time.Second

// watch marks a key disconnected once its last connection closed (a clean
// stop, a kill -9 or a network cut, once the broker notices), until done.
func (a *Auth) watch(done <-chan struct{}) {
	t := time.NewTicker(watchEvery)
	defer t.Stop()
	for {
		select {
		case <-done:
			return
		case <-t.C:
		}
		for _, keyID := range a.prune() {
			if err := a.status.disconnected(keyID, time.Now()); err != nil {
				a.log.Warn("record an agent's disconnection on its key", "agent_key", keyID, "error", err)
			}
		}
	}
}

// prune forgets closed connections and returns the keys left with none.
func (a *Auth) prune() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.ns == nil {
		return nil
	}
	var gone []string
	now := time.Now()
	for keyID, ids := range a.clients {
		for id := range ids {
			if a.ns.GetClient(id) == nil {
				delete(ids, id)
				delete(a.keyOf, id)
				a.closed(id, now)
			}
		}
		if len(ids) == 0 {
			delete(a.clients, keyID)
			gone = append(gone, keyID)
		}
	}
	for id, c := range a.conns {
		if !c.closed.IsZero() && now.Sub(c.closed) > connMemory {
			delete(a.conns, id)
		}
	}
	return gone
}

// closed marks connection id closed at (under a.mu).
func (a *Auth) closed(id uint64, at time.Time) {
	if c, ok := a.conns[id]; ok && c.closed.IsZero() {
		c.closed = at
		a.conns[id] = c
	}
}

// attach tells Auth the server whose connections it may close.
func (a *Auth) attach(ns *server.Server) {
	a.mu.Lock()
	a.ns = ns
	a.mu.Unlock()
}

// Revoke disconnects every connection opened with the key; the key's
// record already says revoked (or is gone), so reconnecting fails.
func (a *Auth) Revoke(keyID string) int {
	a.mu.Lock()
	ids := a.clients[keyID]
	delete(a.clients, keyID)
	now := time.Now()
	for id := range ids {
		delete(a.keyOf, id)
		a.closed(id, now)
	}
	ns := a.ns
	a.mu.Unlock()
	if err := a.status.disconnected(keyID, time.Now()); err != nil {
		a.log.Warn("record a revoked agent's disconnection", "agent_key", keyID, "error", err)
	}
	n := 0
	for id := range ids {
		if ns != nil && ns.DisconnectClientByID(id) == nil {
			n++
		}
	}
	if n > 0 {
		a.log.Warn("lookup agent disconnected: its key was revoked", "agent_key", keyID, "connections", n)
	}
	return n
}

// BindRevocation disconnects an agent as soon as a superuser revokes or
// deletes its key (from the dashboard).
func (a *Auth) BindRevocation(app core.App) {
	app.OnRecordAfterUpdateSuccess(agentKeys).BindFunc(func(e *core.RecordEvent) error {
		if e.Record.GetBool("revoked") {
			a.Revoke(e.Record.Id)
		}
		return e.Next()
	})
	app.OnRecordAfterDeleteSuccess(agentKeys).BindFunc(func(e *core.RecordEvent) error {
		a.Revoke(e.Record.Id)
		return e.Next()
	})
}
