// Package agent is padron agent: a process on another machine that pulls
// census checks from the broker, one per free browser slot, looks them up
// with the same engine, settings and pacing as the in-process worker (its
// own pacing gap: one agent, one outgoing address), and sends back the
// answer, acking a check only once the server has confirmed its answer.
package agent

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/padron/padron/broker"
	"github.com/padron/padron/census"
	"github.com/padron/padron/worker"
)

// Config tunes an agent; zero values mean the defaults named.
type Config struct {
	// Name is how the server lists the agent. Default: the host name.
	Name string
	// Slots is how many checks the agent looks up at once. Default 2.
	Slots int
	// Lookup asks the registrar (the Chromium engine; a scripted one in
	// tests). Required.
	Lookup census.Lookuper
	// Breaker is the agent's own block breaker: while it is open the agent
	// pulls nothing and other agents carry on. Default: worker's defaults.
	Breaker *worker.Breaker
	// PacingGap is the agent's pacing gap, reported as its rate limit.
	PacingGap time.Duration
	// Grace is how long lookups in hand may finish after Run's ctx ends
	// before they are cancelled and given back. Default 20s.
	Grace time.Duration
	// ConfirmWait is how long the agent waits for the server to confirm an
	// answer before giving the check back. Default 2m.
	ConfirmWait time.Duration
	// Logger gets the agent's logs. Default: discards.
	Logger *slog.Logger
}

// Agent pulls and answers census checks; build it with New, run it with Run.
type Agent struct {
	nc  *nats.Conn
	js  jetstream.JetStream
	cfg Config
	log *slog.Logger

	ackWait time.Duration // the queue's, read at Run
	since   time.Time
	done    atomic.Uint64
	mu      sync.Mutex
	current map[string]bool
	ends    []time.Time // lookups finished lately, for the rate

	// The queue's waiting checks, for Demand.
	cons      atomic.Pointer[jetstream.Consumer]
	waiting   atomic.Uint64
	waitingAt atomic.Int64 // Unix nanoseconds of the count
	asking    atomic.Bool
}

// New builds an agent on a connection to the broker.
func New(nc *nats.Conn, cfg Config) (*Agent, error) {
	if cfg.Lookup == nil {
		return nil, errors.New("agent: no lookup engine")
	}
	if cfg.Name == "" {
		cfg.Name, _ = os.Hostname()
	}
	if cfg.Slots <= 0 {
		cfg.Slots = worker.ConcurrencyDefault
	}
	if cfg.Breaker == nil {
		cfg.Breaker = worker.NewBreaker(worker.BreakerThresholdDefault, worker.BreakerCooloffDefault,
			worker.BreakerMaxCooloffDefault, clockwork.NewRealClock(), nil)
	}
	if cfg.Grace <= 0 {
		cfg.Grace = worker.ShutdownTimeoutDefault
	}
	if cfg.ConfirmWait <= 0 {
		cfg.ConfirmWait = 2 * time.Minute
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		return nil, fmt.Errorf("jetstream: %w", err)
	}
	return &Agent{nc: nc, js: js, cfg: cfg, log: cfg.Logger.With("agent", cfg.Name),
		since: time.Now().UTC(), current: map[string]bool{}}, nil
}

// InFlight is how many lookups the agent has in hand, the demand its
// captcha token pipeline buys for.
func (a *Agent) InFlight() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.current)
}

// Run pulls and answers checks until ctx ends; then it stops pulling, lets
// the lookups in hand finish for Grace, gives back the rest, and returns.
func (a *Agent) Run(ctx context.Context) error {
	cons, err := a.consumer(ctx)
	if err != nil {
		return err
	}
	a.cons.Store(&cons)
	a.ackWait = broker.AckWaitDefault
	if info := cons.CachedInfo(); info != nil && info.Config.AckWait > 0 {
		a.ackWait = info.Config.AckWait
	}
	lookups, cancelLookups := context.WithCancel(context.Background())
	defer cancelLookups()
	var slots sync.WaitGroup
	for range a.cfg.Slots {
		slots.Go(func() { a.slot(ctx, lookups, cons) })
	}
	beat := time.NewTicker(broker.HeartbeatEvery)
	defer beat.Stop()
	a.heartbeat()
	for ctx.Err() == nil {
		select {
		case <-ctx.Done():
		case <-beat.C:
			a.heartbeat()
		}
	}
	a.log.Info("agent stopping: finishing the lookups in hand", "in_hand", a.InFlight())
	finished := make(chan struct{})
	go func() { slots.Wait(); close(finished) }()
	grace := time.NewTimer(a.cfg.Grace)
	defer grace.Stop()
	for {
		select {
		case <-finished:
			a.heartbeat()
			return nil
		case <-grace.C:
			a.log.Warn("grace over: giving the lookups in hand back")
			cancelLookups()
		case <-beat.C:
			a.heartbeat()
		}
	}
}

// consumer waits for the server to have created the queue.
func (a *Agent) consumer(ctx context.Context) (jetstream.Consumer, error) {
	for try := 0; ; try++ {
		cons, err := a.js.Consumer(ctx, broker.ChecksStream, broker.AgentsConsumer)
		if err == nil {
			return cons, nil
		}
		if try == 0 {
			a.log.Warn("waiting for the server's check queue", "error", err)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(time.Second):
		}
	}
}

// slot is one browser slot: it pulls a check only when it is free and the
// breaker allows.
func (a *Agent) slot(ctx, lookups context.Context, cons jetstream.Consumer) {
	for ctx.Err() == nil {
		if !a.cfg.Breaker.Allow() {
			select {
			case <-ctx.Done():
			case <-time.After(time.Second):
			}
			continue
		}
		fctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		batch, err := cons.Fetch(1, jetstream.FetchContext(fctx))
		if err != nil {
			cancel()
			a.cfg.Breaker.Release()
			select {
			case <-ctx.Done():
			case <-time.After(time.Second):
			}
			continue
		}
		got := false
		for msg := range batch.Messages() {
			got = true
			a.handle(lookups, msg)
		}
		cancel()
		if !got {
			a.cfg.Breaker.Release()
		}
	}
}

// handle looks one check up and answers it.
func (a *Agent) handle(lookups context.Context, msg jetstream.Msg) {
	var job broker.Job
	if err := json.Unmarshal(msg.Data(), &job); err != nil || job.ID == "" {
		a.cfg.Breaker.Release()
		a.log.Error("unreadable check from the broker", "error", err)
		_ = msg.Term()
		return
	}
	if !job.Deadline.IsZero() && time.Now().After(job.Deadline) {
		// The server gave this attempt up already (and stored that).
		a.cfg.Breaker.Release()
		_ = msg.Term()
		return
	}
	a.track(job.ID, true)
	defer a.track(job.ID, false)
	stop := a.keepAlive(msg)
	defer stop()

	lctx, cancel := context.WithCancel(lookups)
	if !job.Deadline.IsZero() {
		lctx, cancel = context.WithDeadline(lookups, job.Deadline)
	}
	start := time.Now()
	res, lerr := a.cfg.Lookup.Lookup(lctx, job.Cedula)
	elapsed := time.Since(start)
	cancel()
	if lerr != nil && lookups.Err() != nil {
		a.cfg.Breaker.Release()
		_ = msg.Nak() // stopping: another agent takes it now
		return
	}
	a.observe(lerr)
	if !a.answer(job, res, lerr, elapsed) {
		_ = msg.Nak()
		return
	}
	ctx, cancelAck := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancelAck()
	if err := msg.DoubleAck(ctx); err != nil {
		a.log.Warn("ack a confirmed check", "cedula_info", job.ID, "error", err)
	}
	a.finished()
}

// answer publishes the outcome and waits for the server's confirmation.
func (a *Agent) answer(job broker.Job, res census.Result, lerr error, elapsed time.Duration) bool {
	o := broker.NewOutcome(job, a.cfg.Name, res, lerr, elapsed)
	data, err := json.Marshal(o)
	if err != nil {
		return false
	}
	if limit := a.nc.MaxPayload() - 1024; int64(len(data)) > limit && o.Evidence != nil {
		o.Evidence.Screenshot = nil
		if data, _ = json.Marshal(o); int64(len(data)) > limit {
			o.Evidence.HTML = ""
			data, _ = json.Marshal(o)
		}
	}
	sub, err := a.nc.SubscribeSync(broker.ConfirmSubject(job))
	if err != nil {
		a.log.Warn("listen for the server's confirmation", "error", err)
		return false
	}
	defer func() { _ = sub.Unsubscribe() }()
	ctx, cancel := context.WithTimeout(context.Background(), a.cfg.ConfirmWait)
	defer cancel()
	// Publish, then wait for the confirmation; a confirmation lost to a
	// broker restart is asked for again by publishing again (the server
	// records a repeat of an applied answer as late, never applies it twice).
	for try := 0; ; try++ {
		pctx, pcancel := context.WithTimeout(ctx, 5*time.Second)
		_, err = a.js.Publish(pctx, a.resultsSubject(), data)
		pcancel()
		if err == nil {
			wctx, wcancel := context.WithTimeout(ctx, confirmRetry)
			_, err = sub.NextMsgWithContext(wctx)
			wcancel()
			if err == nil {
				return true
			}
		}
		if try == 0 {
			a.log.Warn("no confirmation of an answer yet; publishing it again", "cedula_info", job.ID, "error", err)
		}
		select {
		case <-ctx.Done():
			a.log.Warn("the server did not confirm an answer; giving the check back", "cedula_info", job.ID)
			return false
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// resultsSubject is this connection's own answers subject, the one the
// embedded broker lets it publish on and the server credits its key by.
// It is read at each publish: a reconnection gets a new connection id.
func (a *Agent) resultsSubject() string {
	id, err := a.nc.GetClientID()
	if err != nil {
		id = 0 // a broker too old to say: the answer still goes, credited to no key
	}
	return broker.ResultsSubject(id)
}

// confirmRetry is how long an agent waits for a confirmation before it
// publishes its answer again.
const confirmRetry = 10 * time.Second

// keepAlive tells the broker the check is being worked on, at a third of
// its ack wait, until stopped.
func (a *Agent) keepAlive(msg jetstream.Msg) func() {
	every := a.ackWait / 3
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				_ = msg.InProgress()
			}
		}
	}()
	return cancel
}

// observe feeds the agent's breaker as the worker feeds its own.
func (a *Agent) observe(lerr error) {
	switch class := census.ClassOf(lerr); {
	case lerr == nil, class == census.ErrSiteChanged, class == census.ErrTransient:
		a.cfg.Breaker.Answered()
	case class == census.ErrBlocked:
		a.cfg.Breaker.Blocked()
		a.log.Error("the registrar blocked this agent's address", "breaker", a.cfg.Breaker.Status().State)
	default:
		a.cfg.Breaker.Release()
	}
}

func (a *Agent) track(id string, on bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if on {
		a.current[id] = true
	} else {
		delete(a.current, id)
	}
}

func (a *Agent) finished() {
	a.done.Add(1)
	a.mu.Lock()
	a.ends = append(a.ends, time.Now())
	a.mu.Unlock()
}

// rateWindow is how far back the reported rate looks.
const rateWindow = 5 * time.Minute

// Status is what the agent reports in its heartbeat.
func (a *Agent) Status() broker.AgentStatus {
	now := time.Now()
	st := broker.AgentStatus{Name: a.cfg.Name, ConnectedSince: a.since, LookupsDone: a.done.Load(),
		Slots: a.cfg.Slots, Breaker: a.cfg.Breaker.Status(), Current: []string{}}
	if ip, err := a.nc.GetClientIP(); err == nil && ip != nil {
		st.Address = ip.String()
	}
	if id, err := a.nc.GetClientID(); err == nil {
		st.ClientID = id
	}
	if a.cfg.PacingGap > 0 {
		st.PacingLimitPerMinute = float64(time.Minute) / float64(a.cfg.PacingGap)
	}
	a.mu.Lock()
	for id := range a.current {
		st.Current = append(st.Current, id)
	}
	keep := a.ends[:0]
	for _, t := range a.ends {
		if now.Sub(t) <= rateWindow {
			keep = append(keep, t)
		}
	}
	a.ends = keep
	n := len(keep)
	a.mu.Unlock()
	window := min(now.Sub(a.since), rateWindow)
	if window > 0 {
		st.RatePerMinute = float64(n) / window.Minutes()
	}
	return st
}

func (a *Agent) heartbeat() {
	st := a.Status()
	data, err := json.Marshal(st)
	if err == nil && st.ClientID != 0 {
		_ = a.nc.Publish(broker.HeartbeatSubject(st.ClientID), data)
	}
}
