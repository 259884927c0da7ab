package e2e_test

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestBinaryLogsKeepSecrets starts the built binary on a fresh data dir the
// README's way and checks what a campaign keeps of its logs: no SQL (dev
// mode is off unless --dev), no installer link or desktop browser on the
// first start but a hint, cédulas masked, and ordinary 4xx answers (a
// taken cédula, a cooldown) not logged at ERROR.
func TestBinaryLogsKeepSecrets(t *testing.T) {
	t.Parallel()
	bin := binary(t)
	reg := startFakes(t)
	cfg := fakeConfig(t, reg)
	tmp := t.TempDir()
	s := &proc{t: t, bin: bin, dir: filepath.Join(tmp, "pb_data"), env: fakeEnv(reg, cfg.ChromiumPath, tmp, "PADRON_PACING=0s")}
	if err := os.MkdirAll(s.dir, 0o755); err != nil {
		t.Fatal(err)
	}
	s.start()
	const ced = "1030000101"
	register(t, s.base, ced, "")
	// A second registration with the same cédula: 400 cedula_taken.
	if status, _ := s.post("", "/api/collections/users/records", fmt.Sprintf(
		`{"name":"Otra Persona","cedula":%q,"phone":"3001234567","password":"clave-segura-123","passwordConfirm":"clave-segura-123","data_policy_accepted":true}`, ced)); status != http.StatusBadRequest {
		t.Fatalf("duplicate registration: HTTP %d, want 400", status)
	}
	s.superuser()
	super := s.superToken()
	s.waitAnswer(super, s.userID(super, ced), "")
	token := s.login(ced)
	if status, _ := s.post(token, "/api/census/refresh", ""); status != http.StatusTooManyRequests {
		t.Fatalf("refresh in cooldown: HTTP %d, want 429", status)
	}

	// The request log: 4xx at INFO, with the error kept in its data.
	var logs struct {
		Items []struct {
			Level int `json:"level"`
			Data  struct {
				Status int            `json:"status"`
				URL    string         `json:"url"`
				Meta   map[string]any `json:"meta"`
			} `json:"data"`
		} `json:"items"`
	}
	waitFor(t, 10*time.Second, "request logs written", func() bool {
		s.get(super, "/api/logs?perPage=200&filter="+urlQuery(`data.status>=400 && data.status<500`), &logs)
		return len(logs.Items) >= 2
	})
	for _, l := range logs.Items {
		if l.Level >= 8 { // slog.LevelError
			t.Errorf("a %d answer to %s was logged at ERROR", l.Data.Status, l.Data.URL)
		}
		if l.Data.Meta["error"] == nil {
			t.Errorf("a %d answer to %s was logged without its error", l.Data.Status, l.Data.URL)
		}
	}
	s.stop()

	out := s.output()
	for _, secret := range []string{"SELECT", "INSERT", "tokenKey", "pbinstall", ced} {
		if strings.Contains(out, secret) {
			t.Errorf("server output contains %q:\n%s", secret, out)
		}
	}
	for _, want := range []string{"no superuser yet", "10******01"} {
		if !strings.Contains(out, want) {
			t.Errorf("server output lacks %q:\n%s", want, out)
		}
	}
}

// userID finds a user's id by cédula, as a superuser.
func (s *proc) userID(token, cedula string) string {
	s.t.Helper()
	var list struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	s.get(token, "/api/collections/users/records?filter="+urlQuery(fmt.Sprintf("cedula=%q", cedula)), &list)
	if len(list.Items) != 1 {
		s.t.Fatalf("user with cédula %s: %d found", cedula, len(list.Items))
	}
	return list.Items[0].ID
}

// output is everything the server processes of this proc printed.
func (s *proc) output() string {
	s.t.Helper()
	logs, err := filepath.Glob(filepath.Join(s.dir, "server-*.log"))
	if err != nil {
		s.t.Fatal(err)
	}
	var all strings.Builder
	for _, l := range logs {
		b, err := os.ReadFile(l)
		if err != nil {
			s.t.Fatal(err)
		}
		all.Write(b)
	}
	return all.String()
}
