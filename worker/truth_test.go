package worker_test

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/padron/padron/census"
	"github.com/padron/padron/schema"
	"github.com/padron/padron/worker"
)

// TestUnreachableCaptchaServiceIsNamed checks that a check failing because
// the captcha service could not be reached tells the person so, is retried,
// and never blames the registrar.
func TestUnreachableCaptchaServiceIsNamed(t *testing.T) {
	t.Parallel()
	e := setup(t, func(c *worker.Config) { c.MaxAttempts = 2 })
	m := e.cast.MemberA
	dial := census.Fail(census.ErrCaptchaUnreachable, syscall.ECONNREFUSED, "no captcha token")
	e.look.set(m.Cedula, answer{err: dial})
	e.start(t)

	says := func(msg string) {
		t.Helper()
		if !strings.Contains(strings.ToLower(msg), "el servicio de captcha no respondió") || strings.Contains(msg, "Registraduría tuvo") {
			t.Fatalf("message %q: want it to say the captcha service did not answer", msg)
		}
	}
	var first string
	waitFor(t, "retry scheduled", func() bool {
		r := e.info(t, m.ID)
		first = r.GetString("error_message")
		return r.GetInt("attempts") == 1 && r.GetString("status") == census.StatusPending
	})
	says(first)
	if !strings.Contains(first, "de nuevo") {
		t.Fatalf("message %q does not say it will retry", first)
	}
	e.clock.Advance(time.Hour)
	e.w.Wake()
	r := e.waitStatus(t, m.ID, census.StatusError)
	says(r.GetString("error_message"))
	at := e.attempts(t, m.ID)
	if len(at) != 2 || at[1].GetString("outcome") != "captcha_unreachable" {
		t.Fatalf("attempt history: %d rows, last outcome %q", len(at), at[len(at)-1].GetString("outcome"))
	}
}

// TestUserDeletedMidCheck deletes users whose checks are running: the
// worker stops their lookups at once (before a captcha is spent on the
// form), drops them quietly (no ERROR log: a member leaving is normal) and
// goes on with everyone else.
func TestUserDeletedMidCheck(t *testing.T) {
	t.Parallel()
	logs := &recordingHandler{}
	e := setup(t, func(c *worker.Config) { c.Logger = slog.New(logs) })
	e.look.hold = make(chan struct{})
	e.start(t)
	waitFor(t, "two checks in flight", func() bool { return e.look.inFlight.Load() == 2 })

	running, err := e.app.FindAllRecords(schema.CedulaInfoCollection)
	if err != nil {
		t.Fatal(err)
	}
	var deleted, cedulas []string
	for _, info := range running {
		if info.GetString("status") != census.StatusProcessing {
			continue
		}
		user, err := e.app.FindRecordById("users", info.GetString("user"))
		if err != nil {
			t.Fatal(err)
		}
		if err := e.app.Delete(user); err != nil { // cascades to cedula_info
			t.Fatal(err)
		}
		deleted = append(deleted, user.Id)
		cedulas = append(cedulas, user.GetString("cedula"))
	}
	if len(deleted) != 2 {
		t.Fatalf("deleted %d users with running checks, want 2", len(deleted))
	}
	waitFor(t, "the deleted users' lookups stopped while the registrar still held them", func() bool {
		for _, c := range cedulas {
			if _, ok := e.look.stopped.Load(c); !ok {
				return false
			}
		}
		return true
	})
	close(e.look.hold)

	waitFor(t, "every remaining check answered", func() bool {
		left, err := e.app.FindAllRecords(schema.CedulaInfoCollection)
		if err != nil || len(left) != 3 {
			return false
		}
		for _, r := range left {
			if r.GetString("status") != census.StatusActive {
				return false
			}
		}
		return true
	})
	e.waitIdle(t)
	if !e.w.Status().Running {
		t.Fatal("worker stopped")
	}
	if errs := logs.atLeast(slog.LevelError); len(errs) > 0 {
		t.Fatalf("ERROR logs for a normal deletion: %v", errs)
	}
	if n := len(logs.containing("user was deleted")); n != 2 {
		t.Fatalf("%d logs about dropped results, want 2: %v", n, logs.all())
	}
	for _, id := range deleted {
		if rows := e.attempts(t, id); len(rows) != 0 {
			t.Fatalf("attempt rows for a deleted user: %d", len(rows))
		}
	}
}

// recordingHandler keeps every log record, so a test can assert levels.
type recordingHandler struct {
	mu      sync.Mutex
	records []slog.Record
}

func (h *recordingHandler) Enabled(context.Context, slog.Level) bool { return true }

func (h *recordingHandler) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.records = append(h.records, r.Clone())
	return nil
}

func (h *recordingHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *recordingHandler) WithGroup(string) slog.Handler      { return h }

func (h *recordingHandler) filter(keep func(slog.Record) bool) []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for _, r := range h.records {
		if keep(r) {
			out = append(out, r.Level.String()+" "+r.Message)
		}
	}
	return out
}

func (h *recordingHandler) atLeast(l slog.Level) []string {
	return h.filter(func(r slog.Record) bool { return r.Level >= l })
}

func (h *recordingHandler) containing(s string) []string {
	return h.filter(func(r slog.Record) bool { return strings.Contains(r.Message, s) })
}

func (h *recordingHandler) all() []string { return h.filter(func(slog.Record) bool { return true }) }
