package e2e_test

import (
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/padron/padron/chromiumtest"
	"github.com/padron/padron/fakeregistrar"
	"github.com/padron/padron/schema"
	"github.com/padron/padron/worker"
)

// TestBreakerSurvivesKill9 opens the block breaker on the server binary,
// kills it with SIGKILL and restarts it on the same data directory: the new
// process reports the breaker open until the same instant, and no lookup
// reaches the registrar before then, although a new registration is waiting.
func TestBreakerSurvivesKill9(t *testing.T) {
	t.Parallel()
	chromium := chromiumtest.Path(t)
	bin := binary(t)
	tmp := t.TempDir()
	reg := startFakes(t)
	const blockedCed, laterCed = "91000001", "91000002"
	reg.SetFixture(fakeregistrar.Fixture{Cedula: blockedCed, Case: fakeregistrar.CaseBlocked})

	s := &proc{t: t, bin: bin, dir: filepath.Join(tmp, "pb_data"), env: fakeEnv(reg, chromium, tmp,
		"PADRON_PACING=0s", "PADRON_PACING_JITTER=0s",
		"PADRON_BREAKER_THRESHOLD=1", "PADRON_BREAKER_COOLOFF=10s", "PADRON_MAX_ATTEMPTS=1",
		"PADRON_PUBLIC_DIR="+filepath.Join(tmp, "no-frontend"),
	)}
	s.superuser()
	s.start()
	registerProc(t, s, blockedCed)
	token := s.superToken()
	type breaker struct {
		State     string    `json:"state"`
		Trips     int       `json:"trips"`
		OpenUntil time.Time `json:"open_until"`
		Restored  bool      `json:"restored"`
	}
	var st struct {
		Worker struct {
			Breaker breaker
			Tokens  *struct{ Bought, Used int }
			Pacing  *struct {
				GapSeconds float64 `json:"gap_seconds"`
			}
		}
		Queue map[string]int
	}
	waitFor(t, 60*time.Second, "breaker open", func() bool {
		s.get(token, "/api/census/worker", &st)
		return st.Worker.Breaker.State == "open"
	})
	open := st.Worker.Breaker
	// The worker saves the breaker right after it opens, not with it: the
	// claim is about what a restart finds, so kill once the row says open.
	waitFor(t, 10*time.Second, "breaker saved open", func() bool {
		var row struct {
			State     string `json:"state"`
			OpenUntil string `json:"open_until"`
		}
		s.get(token, "/api/collections/"+schema.BreakerCollection+"/records/"+worker.BreakerRowID, &row)
		until, err := types.ParseDateTime(row.OpenUntil)
		return row.State == "open" && err == nil && until.Time().Sub(open.OpenUntil).Abs() < time.Millisecond
	})
	s.kill9()
	killedAt := time.Now()

	s.start()
	token = s.superToken()
	st.Worker.Breaker = breaker{} // absent fields must not keep the old values
	s.get(token, "/api/census/worker", &st)
	// Stored to the millisecond, as PocketBase stores dates.
	if b := st.Worker.Breaker; b.State != "open" || b.OpenUntil.Sub(open.OpenUntil).Abs() >= time.Millisecond || b.Trips != open.Trips || !b.Restored {
		t.Fatalf("after kill -9 and restart the breaker is %+v, want %+v restored", b, open)
	}
	if time.Now().After(open.OpenUntil) {
		t.Skipf("the restart outlasted the 10 s cool-off on this loaded machine; nothing left to check")
	}
	registerProc(t, s, laterCed)
	waitFor(t, 60*time.Second, "the later check answered after the cool-off", func() bool {
		s.get(token, "/api/census/worker", &st)
		return st.Queue["active"] == 1
	})
	s.get(token, "/api/census/worker", &st)
	s.stop()
	if st.Worker.Breaker.State != "closed" {
		t.Errorf("after the probe answered the breaker is %+v, want closed", st.Worker.Breaker)
	}
	if tk := st.Worker.Tokens; tk == nil || tk.Used < 1 || tk.Bought < tk.Used || st.Worker.Pacing == nil {
		t.Errorf("status lacks the token pipeline (%+v) or the pacing (%+v) after one lookup since the restart", tk, st.Worker.Pacing)
	}
	for _, a := range reg.Arrivals() {
		if a.Lookup() && a.At.After(killedAt) && a.At.Before(open.OpenUntil) {
			t.Errorf("a lookup reached the registrar at %v, during the cool-off that ends %v", a.At, open.OpenUntil)
		}
	}
}

// registerProc registers cedula on the server binary.
func registerProc(t *testing.T, s *proc, cedula string) {
	t.Helper()
	body := fmt.Sprintf(`{"name":"Persona Bloqueo","cedula":%q,"phone":"3001234567","password":"clave-segura-123","passwordConfirm":"clave-segura-123","data_policy_accepted":true}`, cedula)
	res, err := http.Post(s.base+"/api/collections/users/records", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("register %s: HTTP %d", cedula, res.StatusCode)
	}
}
