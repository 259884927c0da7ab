package worker

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-co-op/gocron/v2"
	"github.com/pocketbase/pocketbase/core"

	"github.com/padron/padron/census"
	"github.com/padron/padron/pacing"
	"github.com/padron/padron/tokens"
)

// Worker runs census checks from the queue on cedula_info. Build it with
// New, bind it to the app's lifecycle with Start/Stop.
type Worker struct {
	app      core.App
	lookup   census.Lookuper
	cfg      Config
	log      *slog.Logger
	owner    string // this process's lease owner id
	breaker  *Breaker
	sched    gocron.Scheduler
	dispatch gocron.Job

	wake    chan struct{} // buffered(1): "there may be work"
	slots   chan struct{} // buffered(Concurrency): free run slots
	running sync.WaitGroup
	runCtx  context.Context // cancelled to abort in-flight checks
	abort   context.CancelFunc
	stop    chan struct{} // closed by Stop: the dispatch loop exits
	done    chan struct{} // closed when the dispatch loop exits
	started atomic.Bool

	configWarned atomic.Bool   // captcha misconfiguration is logged once
	announced    atomic.Uint64 // records announced to realtime (Announce)

	breakerMu    sync.Mutex    // serialises saveBreaker
	breakerSaved BreakerStatus // the latest snapshot persisted

	checks sync.Map // cedula_info id → context.CancelCauseFunc of its running attempt
}

// New builds a worker that checks cédulas with lookup, refusing a cfg that
// Validate refuses; it does nothing until Start.
func New(app core.App, lookup census.Lookuper, cfg Config) (*Worker, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	var id [6]byte
	_, _ = rand.Read(id[:])
	w := &Worker{
		app:    app,
		lookup: lookup,
		cfg:    cfg,
		owner:  hex.EncodeToString(id[:]),
		wake:   make(chan struct{}, 1),
		slots:  make(chan struct{}, cfg.Concurrency),
		stop:   make(chan struct{}),
		done:   make(chan struct{}),
	}
	w.log = app.Logger().With("component", "census-worker") // re-read at Start
	if cfg.Logger != nil {
		w.log = cfg.Logger.With("component", "census-worker")
	}
	w.breaker = NewBreaker(cfg.BreakerThreshold, cfg.BreakerCooloff, cfg.BreakerMaxCooloff, cfg.Clock,
		func(from, to string, cool time.Duration) {
			if to == BreakerOpen {
				w.log.Error("block breaker open: the registrar is blocking us; pausing census checks",
					"from", from, "cooloff", cool.String())
			} else {
				w.log.Warn("block breaker "+to, "from", from)
			}
		})
	w.breaker.OnChange(w.saveBreaker)
	w.bindDeletions(app)
	for range cfg.Concurrency {
		w.slots <- struct{}{}
	}
	w.runCtx, w.abort = context.WithCancel(context.Background())

	sched, err := gocron.NewScheduler(gocron.WithClock(cfg.Clock), gocron.WithLogger(gocronLogger{w.log}))
	if err != nil {
		return nil, fmt.Errorf("scheduler: %w", err)
	}
	w.sched = sched
	return w, nil
}

// Start recovers leases left by a dead process, schedules the dispatcher and
// the maintenance jobs, and begins claiming checks.
func (w *Worker) Start() error {
	if !w.started.CompareAndSwap(false, true) {
		return errors.New("worker already started")
	}
	if w.cfg.Logger == nil {
		// The app's logger exists only once it bootstrapped.
		w.log = w.app.Logger().With("component", "census-worker")
	}
	if err := w.restoreBreaker(); err != nil {
		return err
	}
	if n, err := w.recoverLeases(true); err != nil {
		return err
	} else if n > 0 {
		w.log.Warn("recovered checks left processing by a previous run", "count", n)
	}
	var err error
	// The tick only nudges the dispatch loop; claiming happens in one
	// goroutine, so a wake-up is never lost to a skipped overlapping run.
	w.dispatch, err = w.sched.NewJob(gocron.DurationJob(w.cfg.Tick), gocron.NewTask(w.Wake),
		gocron.WithName("census-dispatch-tick"), gocron.WithSingletonMode(gocron.LimitModeReschedule))
	if err != nil {
		return fmt.Errorf("dispatch job: %w", err)
	}
	if err := w.scheduleMaintenance(); err != nil {
		return err
	}
	go w.loop()
	w.sched.Start()
	w.Wake()
	w.log.Info("census worker started", "concurrency", w.cfg.Concurrency, "owner", w.owner)
	return nil
}

// Wake tells the dispatcher there may be work; it never blocks.
func (w *Worker) Wake() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Stop stops claiming, lets in-flight checks finish until ctx is done or
// ShutdownTimeout passes, then cancels the rest and releases their leases.
func (w *Worker) Stop(ctx context.Context) error {
	if !w.started.CompareAndSwap(true, false) {
		// Never started: only background announcements may be running.
		w.abort()
		w.running.Wait()
		return nil
	}
	schedErr := w.sched.Shutdown()
	close(w.stop)
	<-w.done

	finished := make(chan struct{})
	go func() { w.running.Wait(); close(finished) }()
	grace := time.NewTimer(w.cfg.ShutdownTimeout)
	defer grace.Stop()
	select {
	case <-finished:
	case <-grace.C:
		w.log.Warn("shutdown timeout: cancelling in-flight census checks")
	case <-ctx.Done():
		w.log.Warn("shutdown cancelled: cancelling in-flight census checks")
	}
	w.abort()
	<-finished
	return errors.Join(schedErr, w.releaseMine())
}

// loop is the single dispatcher: on every wake-up it claims due checks while
// the breaker allows and run slots are free.
func (w *Worker) loop() {
	defer close(w.done)
	for {
		select {
		case <-w.stop:
			return
		case <-w.wake:
		}
		if n, err := w.recoverLeases(false); err != nil {
			w.log.Error("lease recovery", "error", err)
		} else if n > 0 {
			w.log.Warn("reclaimed checks with expired leases", "count", n)
		}
		w.fill()
	}
}

func (w *Worker) fill() {
	for {
		select {
		case <-w.slots:
		default:
			return // all slots busy; a finishing check wakes us
		}
		if !w.breaker.Allow() {
			w.slots <- struct{}{}
			return
		}
		info, err := w.claim()
		if err != nil || info == nil {
			if err != nil {
				w.log.Error("claim census check", "error", err)
			}
			w.breaker.Release()
			w.slots <- struct{}{}
			return
		}
		w.running.Add(1)
		go func() {
			defer func() {
				w.slots <- struct{}{}
				w.running.Done()
				w.Wake()
			}()
			w.run(info)
		}()
	}
}

// Status is the worker's state for superusers and the status endpoint.
type Status struct {
	Owner       string        `json:"owner"`
	Running     bool          `json:"running"`
	Concurrency int           `json:"concurrency"`
	Busy        int           `json:"busy"`
	Breaker     BreakerStatus `json:"breaker"`
	// Announced counts records pushed to realtime after a bulk enqueue
	// saved them with hooks off: the bulk refresh's fast path at work.
	Announced uint64 `json:"announced"`
	// Pacing is the registrar's pacing allowance used (nil if no pacer).
	Pacing *pacing.Status `json:"pacing,omitempty"`
	// Tokens is the captcha token pipeline (nil without a captcha service).
	Tokens *tokens.Status `json:"tokens,omitempty"`
}

// Status reports what the worker is doing now.
func (w *Worker) Status() Status {
	st := Status{
		Owner:       w.owner,
		Running:     w.started.Load(),
		Concurrency: w.cfg.Concurrency,
		Busy:        w.cfg.Concurrency - len(w.slots),
		Breaker:     w.breaker.Status(),
		Announced:   w.announced.Load(),
	}
	if w.cfg.Pacing != nil {
		u := w.cfg.Pacing.Usage()
		st.Pacing = &u
	}
	if w.cfg.Tokens != nil {
		if ts, ok := w.cfg.Tokens.TokenStatus(); ok {
			st.Tokens = &ts
		}
	}
	return st
}

// gocronLogger adapts slog to gocron's logger interface.
type gocronLogger struct{ l *slog.Logger }

func (g gocronLogger) Debug(msg string, args ...any) { g.l.Debug(msg, args...) }
func (g gocronLogger) Info(msg string, args ...any)  { g.l.Debug(msg, args...) }
func (g gocronLogger) Warn(msg string, args ...any)  { g.l.Warn(msg, args...) }
func (g gocronLogger) Error(msg string, args ...any) { g.l.Error(msg, args...) }
