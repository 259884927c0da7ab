package scraper

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/padron/padron/captcha"
	"github.com/padron/padron/census"
	"github.com/padron/padron/chromiumtest"
	"github.com/padron/padron/fakecaptcha"
	"github.com/padron/padron/fakeregistrar"
	"github.com/padron/padron/pacing"
)

// Cédulas of the fake registrar's default fixtures, one per case.
const (
	cedFound     = "1020304050"
	cedNotFound  = "1099999999"
	cedDeceased  = "19283746"
	cedOther     = "52000111"
	cedBlocked   = "1000000001"
	cedBlock500  = "1000000002"
	cedSlow      = "1000000003"
	cedBroken    = "1000000004"
	cedTransient = "1000000005"
	cedReload    = "1000000006"
	cedRejected  = "1000000007"
)

// chromiumPath returns the browser binary: skipped without one on a
// developer's machine, a failure in CI (chromiumtest's rule).
func chromiumPath(t testing.TB) string {
	t.Helper()
	return chromiumtest.Path(t)
}

// fakes is one fake registrar with the fake captcha service mounted at
// /captcha, as `padron fake-registrar` serves them.
type fakes struct {
	reg        *fakeregistrar.Running
	captcha    *fakecaptcha.Server
	captchaURL string
}

// startFakes serves both fakes on loopback for the test's lifetime. The
// registrar only accepts tokens the fake captcha service issued.
func startFakes(t testing.TB) *fakes {
	t.Helper()
	cs := fakecaptcha.New(fakecaptcha.Config{})
	reg, err := fakeregistrar.Start(context.Background(), "127.0.0.1:0", fakeregistrar.Config{
		VerifyToken: func(_ context.Context, _, token string) bool {
			return strings.HasPrefix(token, fakecaptcha.TokenPrefix)
		},
	})
	if err != nil {
		t.Fatalf("starting the fake registrar: %v", err)
	}
	t.Cleanup(func() { _ = reg.Close() })
	reg.Mount("/captcha", cs)
	return &fakes{reg: reg, captcha: cs, captchaURL: reg.URL() + "/captcha"}
}

// solver is a captcha client for the fake service that polls at once.
func (f *fakes) solver(t testing.TB, api, key string) captcha.Client {
	t.Helper()
	c, err := captcha.New(captcha.Config{
		API: api, BaseURL: f.captchaURL, Key: key,
		FirstPoll: time.Millisecond, PollInterval: 10 * time.Millisecond, Deadline: 10 * time.Second,
	})
	if err != nil {
		t.Fatalf("captcha client: %v", err)
	}
	return c
}

// config is an engine configuration pointed at the fakes.
func (f *fakes) config(t testing.TB, source census.Source, solver captcha.Solver) Config {
	return Config{
		Source:           source,
		WSPURL:           f.reg.WSPURL(),
		EleccionesURL:    f.reg.EleccionesURL(),
		EleccionesAPIURL: f.reg.EleccionesAPIURL(),
		Solver:           solver,
		ChromiumPath:     chromiumPath(t),
		Logger:           testLogger(t),
	}
}

// newEngine builds an engine that the test closes, checking that Close
// reports no surviving process.
func newEngine(t testing.TB, cfg Config) *Engine {
	t.Helper()
	e, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() {
		if err := e.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return e
}

// testLogger writes engine logs to the test log when -v asks for them.
func testLogger(t testing.TB) *slog.Logger {
	if !testing.Verbose() {
		return slog.New(slog.DiscardHandler)
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// lookupIDKey tags a lookup's context so the tracing solver and gate can
// tell which lookup called them.
type lookupIDKey struct{}

// trace records, per lookup, the order in which the solver and the gate
// were called.
type trace struct {
	mu     sync.Mutex
	events map[string][]string
}

func newTrace() *trace { return &trace{events: map[string][]string{}} }

func (tr *trace) add(ctx context.Context, what string) {
	id, _ := ctx.Value(lookupIDKey{}).(string)
	tr.mu.Lock()
	tr.events[id] = append(tr.events[id], what)
	tr.mu.Unlock()
}

func (tr *trace) of(id string) []string {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return append([]string(nil), tr.events[id]...)
}

// tracingSolver records solves that returned a token.
type tracingSolver struct {
	captcha.Solver
	tr *trace
}

func (s tracingSolver) Solve(ctx context.Context, task captcha.Task) (captcha.Token, error) {
	tok, err := s.Solver.Solve(ctx, task)
	if err == nil {
		s.tr.add(ctx, "solve")
	}
	return tok, err
}

// tracingGate records every wait, by lane.
type tracingGate struct{ tr *trace }

func (g tracingGate) WaitAhead(ctx context.Context, lane pacing.Lane, lead time.Duration) (*pacing.Ahead, error) {
	g.tr.add(ctx, "gate:"+lane.String())
	return (*pacing.Gate)(nil).WaitAhead(ctx, lane, lead)
}

// withID tags ctx for the trace.
func withID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, lookupIDKey{}, id)
}

// pngMagic starts every PNG file.
var pngMagic = []byte("\x89PNG\r\n\x1a\n")

// checkEvidence asserts err carries what the page showed.
func checkEvidence(t *testing.T, err error, wantResponse bool) {
	t.Helper()
	ev := census.EvidenceOf(err)
	if ev == nil {
		t.Fatalf("no evidence attached to %v", err)
	}
	if strings.TrimSpace(ev.HTML) == "" {
		t.Errorf("evidence has no HTML")
	}
	if ev.URL == "" {
		t.Errorf("evidence has no URL")
	}
	if !bytes.HasPrefix(ev.Screenshot, pngMagic) {
		t.Errorf("evidence screenshot is not a PNG (%d bytes)", len(ev.Screenshot))
	}
	if wantResponse && ev.Response == "" {
		t.Errorf("evidence has no response body")
	}
}

// wantClass asserts err belongs to class.
func wantClass(t *testing.T, err, class error) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want class %v", class)
	}
	if !errors.Is(err, class) {
		t.Fatalf("got %v (class %v), want class %v", err, census.ClassOf(err), class)
	}
}
