package broker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/pocketbase/pocketbase/core"

	"github.com/padron/padron/census"
)

// Config says which broker the server uses and how.
type Config struct {
	// URL is "embedded" (a NATS server inside this process) or nats://
	// URLs of an existing cluster (comma-separated).
	URL string
	// Listen, TLSCert and TLSKey configure the embedded broker's listener
	// (EmbeddedConfig). Default listen "127.0.0.1:4222".
	Listen, TLSCert, TLSKey string
	// Creds is a NATS credentials file for an external broker. Default none.
	Creds string
	// StoreDir holds the embedded broker's JetStream files. Default
	// "nats" under the app's data directory.
	StoreDir string
	// AckWait is how long an agent may stay silent about a check before it
	// goes to another. Default AckWaitDefault (30s).
	AckWait time.Duration
	// Source names the registrar site in late answers' attempt rows.
	// Default "wsp".
	Source string
	// Logger gets the broker's logs. Default: discards.
	Logger *slog.Logger
}

// Embedded is Config.URL's value for a broker inside the server.
const Embedded = "embedded"

// Remote is the census worker's Lookuper when a broker is configured: each
// lookup becomes a message agents pull, and the agent's answer comes back
// to the very call that published it, so the worker stores it exactly as
// an in-process lookup (lease, retries, attempt history).
type Remote struct {
	app core.App
	cfg Config
	log *slog.Logger

	auth *Auth
	ns   *server.Server
	nc   *nats.Conn
	js   jetstream.JetStream
	cc   jetstream.ConsumeContext
	hb   *nats.Subscription
	done chan struct{}

	mu      sync.Mutex
	waiting map[string]*waiter // attempt key → the Lookup waiting for it

	agents *book
}

// waiter is one Lookup waiting for its agent's answer.
type waiter struct {
	out     chan Outcome // buffered(1): the answer, handed over once
	settled chan error   // buffered(1): the worker stored it (or failed to)
	taken   bool         // an answer was handed over (under Remote.mu)
}

// NewRemote builds the broker side of the server for app; nothing
// connects until Start.
func NewRemote(app core.App, cfg Config) *Remote {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.AckWait <= 0 {
		cfg.AckWait = AckWaitDefault
	}
	if cfg.Source == "" {
		cfg.Source = string(census.SourceWSP)
	}
	r := &Remote{app: app, cfg: cfg, log: cfg.Logger.With("component", "census-broker"),
		waiting: map[string]*waiter{}, agents: newBook(), done: make(chan struct{})}
	if cfg.URL == Embedded {
		r.auth = NewAuth(app, r.log)
		r.auth.BindRevocation(app)
	}
	return r
}

// Start starts the embedded broker (or connects to the external one),
// creates the streams and begins applying agents' answers.
func (r *Remote) Start(ctx context.Context) error {
	opts := []nats.Option{nats.Name("padron-server"), nats.MaxReconnects(-1), nats.ReconnectWait(250 * time.Millisecond)}
	url := r.cfg.URL
	if r.cfg.URL == Embedded {
		store := r.cfg.StoreDir
		if store == "" {
			store = filepath.Join(r.app.DataDir(), "nats")
		}
		ns, err := StartEmbedded(EmbeddedConfig{Listen: r.cfg.Listen, StoreDir: store,
			TLSCert: r.cfg.TLSCert, TLSKey: r.cfg.TLSKey, Auth: r.auth})
		if err != nil {
			return err
		}
		r.ns = ns
		r.auth.attach(ns)
		if err := r.auth.status.disconnectAll(); err != nil {
			r.shutdownEmbedded()
			return err
		}
		go r.auth.watch(r.done)
		url = ns.ClientURL()
		opts = append(opts, nats.InProcessServer(ns), nats.Token(r.auth.ServerToken()))
	} else if r.cfg.Creds != "" {
		opts = append(opts, nats.UserCredentials(r.cfg.Creds))
	}
	nc, err := nats.Connect(url, opts...)
	if err != nil {
		r.shutdownEmbedded()
		return fmt.Errorf("connect to the broker: %w", err)
	}
	r.nc = nc
	r.js, err = jetstream.New(nc)
	if err != nil {
		return r.fail(fmt.Errorf("jetstream: %w", err))
	}
	if err := Setup(ctx, r.js, r.cfg.AckWait); err != nil {
		return r.fail(err)
	}
	cons, err := r.js.Consumer(ctx, ResultsStream, ServerConsumer)
	if err != nil {
		return r.fail(fmt.Errorf("results consumer: %w", err))
	}
	r.cc, err = cons.Consume(func(msg jetstream.Msg) { go r.onResult(msg) })
	if err != nil {
		return r.fail(fmt.Errorf("consume results: %w", err))
	}
	r.hb, err = nc.Subscribe(HeartbeatPrefix+".*", r.onHeartbeat)
	if err != nil {
		return r.fail(fmt.Errorf("agent heartbeats: %w", err))
	}
	r.log.Info("census broker started", "broker", r.cfg.URL, "agents_url", r.AgentsURL())
	return nil
}

func (r *Remote) fail(err error) error {
	r.nc.Close()
	r.shutdownEmbedded()
	return err
}

func (r *Remote) shutdownEmbedded() {
	if r.ns != nil {
		r.ns.Shutdown()
		r.ns.WaitForShutdown()
	}
}

// AgentsURL is where agents connect: the embedded broker's listener, or
// the external broker's URL.
func (r *Remote) AgentsURL() string {
	if r.ns != nil {
		if a, ok := r.ns.Addr().(interface{ String() string }); ok {
			scheme := "nats://"
			if r.cfg.TLSCert != "" {
				scheme = "tls://"
			}
			return scheme + a.String()
		}
	}
	return r.cfg.URL
}

// Auth is the embedded broker's authenticator (nil with an external one).
func (r *Remote) Auth() *Auth { return r.auth }

// Close stops applying answers and shuts the embedded broker down; call it
// after the worker stopped (worker.Bind does).
func (r *Remote) Close() error {
	select {
	case <-r.done:
		return nil
	default:
	}
	close(r.done)
	if r.cc != nil {
		r.cc.Stop()
	}
	if r.nc != nil {
		r.nc.Close()
	}
	r.shutdownEmbedded()
	return nil
}

// Lookup publishes the attempt in ctx (census.CheckOf) for an agent and
// waits for its answer, until ctx ends.
func (r *Remote) Lookup(ctx context.Context, cedula string) (census.Result, error) {
	ref, ok := census.CheckOf(ctx)
	if !ok {
		return census.Result{}, errors.New("broker lookup outside a census check")
	}
	key := attemptKey(ref.ID, ref.Round, ref.Attempt)
	w := &waiter{out: make(chan Outcome, 1), settled: make(chan error, 1)}
	r.mu.Lock()
	r.waiting[key] = w
	r.mu.Unlock()

	job := Job{ID: ref.ID, Attempt: ref.Attempt, Round: ref.Round, Cedula: cedula}
	if d, ok := ctx.Deadline(); ok {
		job.Deadline = d.UTC()
	}
	data, err := json.Marshal(job)
	if err != nil {
		r.forget(key, w)
		return census.Result{}, err
	}
	// The broker may be restarting: keep trying while the attempt lasts.
	for try := 0; ; try++ {
		_, err = r.js.Publish(ctx, ChecksSubject, data, jetstream.WithMsgID(key))
		if err == nil {
			break
		}
		if try == 0 {
			r.log.Warn("publish a census check to the broker", "cedula_info", ref.ID, "error", err)
		}
		select {
		case <-ctx.Done():
			if o, ok := r.forget(key, w); ok {
				return o.Lookup()
			}
			return census.Result{}, census.Fail(census.ErrTimeout, err, "the broker did not take the check")
		case <-time.After(min(time.Duration(try+1)*250*time.Millisecond, 2*time.Second)):
		}
	}
	select {
	case o := <-w.out:
		return o.Lookup()
	case <-ctx.Done():
		if o, ok := r.forget(key, w); ok {
			return o.Lookup()
		}
		return census.Result{}, census.Fail(census.ErrTimeout, ctx.Err(), "no lookup agent answered in time")
	}
}

// forget drops a Lookup that gives up; if an answer was handed over
// meanwhile it is returned, so it is stored rather than lost.
func (r *Remote) forget(key string, w *waiter) (Outcome, bool) {
	r.mu.Lock()
	taken := w.taken
	if !taken && r.waiting[key] == w {
		delete(r.waiting, key)
	}
	r.mu.Unlock()
	if taken {
		return <-w.out, true
	}
	return Outcome{}, false
}

// Settled implements census.Settler: the worker stored the attempt's
// outcome (err nil) or failed to, so its answer can be confirmed.
func (r *Remote) Settled(ctx context.Context, err error) {
	ref, ok := census.CheckOf(ctx)
	if !ok {
		return
	}
	key := attemptKey(ref.ID, ref.Round, ref.Attempt)
	r.mu.Lock()
	w := r.waiting[key]
	delete(r.waiting, key)
	r.mu.Unlock()
	if w != nil && w.taken {
		w.settled <- err
	}
}

// onResult applies one agent's answer: to the Lookup waiting for it, or,
// when none waits, as a late answer; it confirms to the agent and acks
// only once the answer is stored.
func (r *Remote) onResult(msg jetstream.Msg) {
	var o Outcome
	if err := json.Unmarshal(msg.Data(), &o); err != nil || o.ID == "" {
		r.log.Error("unreadable answer from a lookup agent", "error", err)
		_ = msg.Term()
		return
	}
	keyID := r.publisher(msg)
	key := o.key()
	r.mu.Lock()
	w := r.waiting[key]
	if w != nil && !w.taken {
		w.taken = true
		w.out <- o
	} else {
		w = nil
	}
	r.mu.Unlock()
	if w != nil {
		select {
		case err := <-w.settled:
			if err != nil {
				_ = msg.NakWithDelay(5 * time.Second)
				return
			}
		case <-r.done:
			return // not acked: the restarted server gets it again
		}
		r.answered(o.Agent, keyID)
		r.confirm(o)
		_ = msg.Ack()
		return
	}
	wait, err := r.applyLate(o)
	switch {
	case err != nil:
		r.log.Error("store a late answer", "cedula_info", o.ID, "error", err)
		_ = msg.NakWithDelay(5 * time.Second)
	case wait:
		// The attempt is still open here but nobody waits for it (the
		// server restarted, or the worker has not claimed it yet). The
		// answer stays on the results stream, held until the worker claims
		// the attempt (its republished check is then a duplicate); the
		// agent is told now, so it acks its check and frees its slot
		// rather than wait for a claim that may need that very slot.
		r.confirm(o)
		_ = msg.NakWithDelay(time.Second)
	default:
		r.confirm(o)
		_ = msg.Ack()
	}
}

// publisher is the agent key whose connection published msg: the
// connection its subject names (ResultsSubject, which the embedded broker
// lets only that connection use), if that connection was open when the
// broker stored msg. It is "" with an external broker (no keys), for the
// server's own connections, and for answers of an older agent.
func (r *Remote) publisher(msg jetstream.Msg) string {
	if r.auth == nil {
		return ""
	}
	clientID, ok := subjectClient(ResultsPrefix, msg.Subject())
	if !ok {
		return ""
	}
	meta, err := msg.Metadata()
	if err != nil {
		return ""
	}
	keyID, _ := r.auth.Publisher(clientID, meta.Timestamp)
	return keyID
}

func (r *Remote) confirm(o Outcome) {
	if err := r.nc.Publish(ConfirmSubject(o.job()), nil); err != nil {
		r.log.Warn("confirm an answer to its agent", "cedula_info", o.ID, "error", err)
	}
}

// Connect opens another connection to the broker with the server's own
// credentials, for an agent inside the server (PADRON_WORKER=true).
func (r *Remote) Connect(name string) (*nats.Conn, error) {
	opts := []nats.Option{nats.Name(name), nats.MaxReconnects(-1), nats.ReconnectWait(250 * time.Millisecond)}
	url := r.cfg.URL
	if r.ns != nil {
		url = r.ns.ClientURL()
		opts = append(opts, nats.InProcessServer(r.ns), nats.Token(r.auth.ServerToken()))
	} else if r.cfg.Creds != "" {
		opts = append(opts, nats.UserCredentials(r.cfg.Creds))
	}
	return nats.Connect(url, opts...)
}
