package broker

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"log/slog"
	"sync"

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
	ns      *server.Server
}

// NewAuth builds the authenticator for app's agent keys.
func NewAuth(app core.App, log *slog.Logger) *Auth {
	var raw [24]byte
	_, _ = rand.Read(raw[:])
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Auth{app: app, log: log, token: hex.EncodeToString(raw[:]), clients: map[string]map[uint64]bool{}}
}

// ServerToken is the credential of the server's own connection.
func (a *Auth) ServerToken() string { return a.token }

// agentPermissions is all an agent may do: pull and ack checks, publish
// answers and heartbeats, hear confirmations.
var agentPermissions = &server.Permissions{
	Publish: &server.SubjectPermission{Allow: []string{
		"$JS.API.INFO",
		"$JS.API.STREAM.INFO." + ChecksStream,
		"$JS.API.STREAM.INFO." + ResultsStream,
		"$JS.API.CONSUMER.INFO." + ChecksStream + "." + AgentsConsumer,
		"$JS.API.CONSUMER.MSG.NEXT." + ChecksStream + "." + AgentsConsumer,
		"$JS.ACK." + ChecksStream + "." + AgentsConsumer + ".>",
		ResultsSubject,
		HeartbeatPrefix + ".*",
	}},
	Subscribe: &server.SubjectPermission{Allow: []string{"_INBOX.>", ConfirmPrefix + ".>"}},
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
	a.mu.Lock()
	if a.clients[rec.Id] == nil {
		a.clients[rec.Id] = map[uint64]bool{}
	}
	a.clients[rec.Id][c.GetID()] = true
	a.mu.Unlock()
	c.RegisterUser(&server.User{Username: rec.GetString("name"), Permissions: agentPermissions})
	return true
}

func addr(c server.ClientAuthentication) string {
	if ra := c.RemoteAddress(); ra != nil {
		return ra.String()
	}
	return ""
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
	ns := a.ns
	a.mu.Unlock()
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
