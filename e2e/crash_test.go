package e2e_test

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/padron/padron/apptest"
	"github.com/padron/padron/chromiumtest"
)

// proc is the padron binary running as a child process on a data dir.
type proc struct {
	t    *testing.T
	bin  string
	dir  string
	env  []string
	base string
	cmd  *exec.Cmd
	// logDir holds the server's logs; default dir.
	logDir string
}

func (s *proc) start() {
	s.t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		s.t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	s.base = "http://" + addr
	s.cmd = exec.Command(s.bin, "serve", "--dir", s.dir, "--http", addr)
	s.cmd.Env = s.env
	logDir := s.logDir
	if logDir == "" {
		logDir = s.dir
	}
	logf, err := os.Create(filepath.Join(logDir, fmt.Sprintf("server-%d.log", time.Now().UnixNano())))
	if err != nil {
		s.t.Fatal(err)
	}
	s.cmd.Stdout, s.cmd.Stderr = logf, logf
	if err := s.cmd.Start(); err != nil {
		s.t.Fatal(err)
	}
	waitFor(s.t, 30*time.Second, "server healthy", func() bool {
		res, err := http.Get(s.base + "/api/health")
		if err != nil {
			return false
		}
		res.Body.Close()
		return res.StatusCode == 200
	})
}

func (s *proc) kill9() {
	s.t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		s.t.Fatal(err)
	}
	_ = s.cmd.Wait()
}

func (s *proc) stop() {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		_ = s.cmd.Process.Kill()
		<-done
	}
}

func (s *proc) get(token, path string, v any) {
	s.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, s.base+path, nil)
	req.Header.Set("Authorization", token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	if err := json.NewDecoder(res.Body).Decode(v); err != nil {
		s.t.Fatal(err)
	}
}

func (s *proc) superToken() string {
	s.t.Helper()
	res, err := http.Post(s.base+"/api/collections/_superusers/auth-with-password", "application/json",
		strings.NewReader(`{"identity":"admin@padron.test","password":"`+apptest.Password+`"}`))
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	var out struct{ Token string }
	_ = json.NewDecoder(res.Body).Decode(&out)
	return out.Token
}

type attemptRow struct {
	User    string `json:"user"`
	Success bool   `json:"success"`
	Outcome string `json:"outcome"`
}

// TestCrashRecoveryKill9 kills the server with SIGKILL while checks are in
// flight, restarts it on the same data directory, and asserts every check
// completes exactly once in its final state.
func TestCrashRecoveryKill9(t *testing.T) {
	t.Parallel()
	chromium := chromiumtest.Path(t)
	bin := binary(t)
	tmp := t.TempDir()

	// Every lookup takes ~600 ms on the site, so several are in flight.
	const n = 12
	reg, ceds := slowRegistrar(t, n, 70000000, 600*time.Millisecond)

	dir := filepath.Join(tmp, "pb_data")
	// The server's own temp dir, to see what the kill leaves there.
	serverTmp := filepath.Join(tmp, "tmp")
	if err := os.Mkdir(serverTmp, 0o755); err != nil {
		t.Fatal(err)
	}
	s := &proc{t: t, bin: bin, dir: dir, env: fakeEnv(reg, chromium, serverTmp,
		"PADRON_PACING=50ms", "PADRON_PACING_JITTER=0s",
		"PADRON_PUBLIC_DIR="+filepath.Join(tmp, "no-frontend"),
	)}
	s.superuser()

	s.start()
	for _, ced := range ceds {
		body := fmt.Sprintf(`{"name":"Persona Choque","cedula":%q,"phone":"3001234567","password":"clave-segura-123","passwordConfirm":"clave-segura-123","data_policy_accepted":true}`, ced)
		res, err := http.Post(s.base+"/api/collections/users/records", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 200 {
			t.Fatalf("register %s: HTTP %d", ced, res.StatusCode)
		}
	}
	token := s.superToken()
	var counts struct{ Queue map[string]int }
	waitFor(t, 60*time.Second, "some answered and some in flight", func() bool {
		s.get(token, "/api/census/worker", &counts)
		return counts.Queue["active"] >= 2 && counts.Queue["processing"] >= 1
	})
	t.Logf("at kill -9: %v", counts.Queue)
	s.kill9()

	s.start()
	token = s.superToken()
	waitFor(t, 90*time.Second, "every check final after restart", func() bool {
		s.get(token, "/api/census/worker", &counts)
		return counts.Queue["active"] == n
	})
	var attempts struct{ Items []attemptRow }
	s.get(token, "/api/collections/census_attempts/records?perPage=500", &attempts)
	var users struct {
		Items []struct{ ID, Cedula string }
	}
	s.get(token, "/api/collections/users/records?perPage=500", &users)
	s.stop()

	success := map[string]int{}
	for _, a := range attempts.Items {
		if a.Success {
			success[a.User]++
		}
	}
	if len(users.Items) != n {
		t.Fatalf("users after restart: %d, want %d", len(users.Items), n)
	}
	for _, u := range users.Items {
		if success[u.ID] != 1 {
			t.Errorf("user %s (cédula %s): %d successful attempts, want exactly 1", u.ID, u.Cedula, success[u.ID])
		}
	}
	t.Logf("after restart: %v; %d attempt rows; %d lookups reached the fake registrar", counts.Queue, len(attempts.Items), len(reg.Lookups()))

	// The killed server's Chromium profile was swept by the restarted one.
	if left, err := os.ReadDir(filepath.Join(serverTmp, "padron-chromium")); err != nil || len(left) != 0 {
		t.Errorf("chromium profiles left after a kill -9 and a clean restart: %v (%v)", left, err)
	}
}
