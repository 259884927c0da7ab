package worker_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/padron/padron/apptest"
	"github.com/padron/padron/census"
	"github.com/padron/padron/config"
	"github.com/padron/padron/server"
	"github.com/padron/padron/worker"
)

// script is a Lookuper whose answers are scripted per cédula, one per call;
// the last answer repeats.
type script struct {
	mu       sync.Mutex
	answers  map[string][]answer
	calls    map[string]int
	inFlight atomic.Int32
	maxSeen  atomic.Int32
	hold     chan struct{} // if non-nil, every lookup waits for it or ctx
	step     chan struct{} // if non-nil, every lookup waits for one value from it, or ctx
	stopped  sync.Map      // cédulas whose lookup ended by its ctx while held
	order    []string      // cédulas in the order their lookups started (guarded by mu)
}

type answer struct {
	res census.Result
	err error
}

func found(dep string) answer {
	return answer{res: census.Result{Outcome: census.OutcomeFound, Departamento: dep, Municipio: "MEDELLÍN",
		Puesto: "IE LOS ALPES", Direccion: "CL 10 # 20-30", Mesa: "7", Raw: `{"success":true}`}}
}

func fail(class error, msg string) answer {
	return answer{err: census.Fail(class, nil, "%s", msg)}
}

func newScript() *script {
	return &script{answers: map[string][]answer{}, calls: map[string]int{}}
}

func (s *script) set(cedula string, a ...answer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.answers[cedula] = a
}

func (s *script) Lookup(ctx context.Context, cedula string) (census.Result, error) {
	n := s.inFlight.Add(1)
	defer s.inFlight.Add(-1)
	for {
		m := s.maxSeen.Load()
		if n <= m || s.maxSeen.CompareAndSwap(m, n) {
			break
		}
	}
	s.mu.Lock()
	s.order = append(s.order, cedula)
	s.mu.Unlock()
	if s.step != nil {
		select {
		case <-s.step:
		case <-ctx.Done():
			return census.Result{}, ctx.Err()
		}
	}
	if s.hold != nil {
		select {
		case <-s.hold:
		case <-ctx.Done():
			s.stopped.Store(cedula, true)
			return census.Result{}, ctx.Err()
		}
	}
	s.mu.Lock()
	i := s.calls[cedula]
	s.calls[cedula]++
	list := s.answers[cedula]
	s.mu.Unlock()
	if len(list) == 0 {
		a := found("ANTIOQUIA")
		a.res.Cedula = cedula
		return a.res, nil
	}
	a := list[min(i, len(list)-1)]
	a.res.Cedula = cedula
	return a.res, a.err
}

// started is the cédulas whose lookups started, in order.
func (s *script) started() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.order)
}

func (s *script) callsOf(cedula string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[cedula]
}

// env is one test's app, worker, clock and script.
type env struct {
	app   *tests.TestApp
	w     *worker.Worker
	clock *clockwork.FakeClock
	look  *script
	cast  apptest.Cast
}

// setup builds an app wired by server.Build whose hooks enqueue into a
// worker driven by a fake clock; cfg tweaks the worker config. The worker
// is not started.
func setup(t *testing.T, cfg func(*worker.Config)) *env {
	t.Helper()
	app := apptest.NewBareApp(t)
	t.Cleanup(app.Cleanup)
	e := &env{app: app, clock: clockwork.NewFakeClockAt(time.Date(2026, 3, 8, 8, 0, 0, 0, time.UTC)), look: newScript(), cast: apptest.Seeded(t)}
	c := worker.Config{
		Concurrency: 2, RetryJitter: -1, Clock: e.clock,
		RetryDelays: []time.Duration{time.Minute, 5 * time.Minute, 15 * time.Minute},
		Logger:      testLogger(),
	}
	if cfg != nil {
		cfg(&c)
	}
	w, err := worker.New(app, e.look, c)
	if err != nil {
		t.Fatal(err)
	}
	e.w = w
	// The whole server as the binary wires it, around this worker.
	if _, err := server.Build(app, config.Default(), server.WithWorker(w)); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *env) start(t *testing.T) {
	t.Helper()
	if err := e.w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.w.Stop(context.Background()) })
}

// info reloads a user's cedula_info.
func (e *env) info(t testing.TB, userID string) *core.Record {
	t.Helper()
	r, err := e.app.FindFirstRecordByData("cedula_info", "user", userID)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (e *env) waitStatus(t testing.TB, userID, status string) *core.Record {
	t.Helper()
	var r *core.Record
	waitFor(t, "status "+status, func() bool {
		r = e.info(t, userID)
		return r.GetString("status") == status
	})
	return r
}

// waitIdle waits until no check is in flight.
func (e *env) waitIdle(t testing.TB) {
	t.Helper()
	waitFor(t, "idle worker", func() bool { return e.w.Status().Busy == 0 })
}

func (e *env) attempts(t testing.TB, userID string) []*core.Record {
	t.Helper()
	rs, err := e.app.FindRecordsByFilter("census_attempts", "user = {:u}", "attempt", 0, 0, map[string]any{"u": userID})
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func testLogger() *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

func decode(res *http.Response, v any) error { return json.NewDecoder(res.Body).Decode(v) }
