package e2e_test

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/padron/padron/chromiumtest"
)

// agentProc is a padron agent process with its own TMPDIR (its Chromium's
// profile), so what it leaves behind can be seen.
type agentProc struct {
	t    *testing.T
	name string
	tmp  string
	cmd  *exec.Cmd
	mu   sync.Mutex
	errb bytes.Buffer
	done chan error
}

func startAgent(t *testing.T, bin, name string, env []string) *agentProc {
	t.Helper()
	tmp := t.TempDir()
	a := &agentProc{t: t, name: name, tmp: tmp, done: make(chan error, 1)}
	a.cmd = exec.Command(bin, "agent", name)
	a.cmd.Dir = tmp
	a.cmd.Env = append(env, "TMPDIR="+tmp)
	a.cmd.Stdout = &a.errb
	a.cmd.Stderr = &a.errb
	if err := a.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { a.done <- a.cmd.Wait() }()
	t.Cleanup(func() {
		_ = a.cmd.Process.Kill()
		if d := os.Getenv("PADRON_E2E_LOGS"); d != "" {
			_ = os.WriteFile(filepath.Join(d, fmt.Sprintf("agent-%s-%d.log", name, time.Now().UnixNano())), a.errb.Bytes(), 0o644)
		}
		if t.Failed() {
			t.Logf("agent %s output:\n%s", name, a.errb.String())
		}
	})
	return a
}

// stop sends sig and waits for the process to end, returning its error.
func (a *agentProc) stop(sig syscall.Signal) error {
	_ = a.cmd.Process.Signal(sig)
	select {
	case err := <-a.done:
		return err
	case <-time.After(60 * time.Second):
		a.t.Fatalf("agent %s did not stop on %v", a.name, sig)
		return nil
	}
}

// noChromiumLeft waits until no Chromium of the agent's remains.
func (a *agentProc) noChromiumLeft() {
	a.t.Helper()
	waitFor(a.t, 15*time.Second, "no Chromium left by agent "+a.name, func() bool { return len(chromiumsUnder(a.tmp)) == 0 })
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// TestAgentsWithEmbeddedBroker runs the server binary with its embedded
// broker and three padron agent processes (real Chromium, the fakes) on
// 30 checks (PADRON_FAULTS=long: the 200): one agent is killed
// with kill -9 and started again three times, the server is killed with
// kill -9 and started again, and still every check ends answered once and
// right; then a revoked key stops its agent with one line.
//
// One address may register only 30 people a minute (users:create), so
// the first 20 register as people do and the rest are created by the
// superuser, whom PocketBase's rate limiter lets through: the same hooks
// run and the same checks are queued, and the limit stays as it is.
func TestAgentsWithEmbeddedBroker(t *testing.T) {
	t.Parallel()
	chromium := chromiumtest.Path(t)
	bin := binary(t)
	tmp := t.TempDir()

	n := sized(30, 200)
	t.Logf("%d checks across 3 agents", n)
	reg, ceds := slowRegistrar(t, n, 73000000, 200*time.Millisecond)
	brokerAddr := freeAddr(t)
	dir := filepath.Join(tmp, "pb_data")
	s := &proc{t: t, bin: bin, dir: dir, env: fakeEnv(reg, chromium, t.TempDir(),
		"PADRON_BROKER=embedded", "PADRON_BROKER_LISTEN="+brokerAddr, "PADRON_CONCURRENCY=4",
		"PADRON_PUBLIC_DIR="+filepath.Join(tmp, "no-frontend"),
	), logDir: os.Getenv("PADRON_E2E_LOGS")}
	s.superuser()
	keys := map[string]string{}
	for _, name := range []string{"oficina", "regional", "sede"} {
		out, err := execOutput(bin, "agent-key", "create", name, "--dir", dir)
		line := strings.TrimSpace(string(out))
		if err != nil || strings.Count(line, "\n") != 0 || !strings.HasPrefix(line, "padron-agent.") {
			t.Fatalf("agent-key create %s: %v\n%s", name, err, out)
		}
		keys[name] = line
	}
	s.start()
	agentEnv := func(name string) []string {
		return fakeEnv(reg, chromium, "", "PADRON_BROKER=nats://"+brokerAddr, "PADRON_AGENT_KEY="+keys[name],
			"PADRON_PACING=50ms", "PADRON_PACING_JITTER=0s", "PADRON_CONCURRENCY=1")
	}
	oficina := startAgent(t, bin, "oficina", agentEnv("oficina"))
	regional := startAgent(t, bin, "regional", agentEnv("regional"))
	sede := startAgent(t, bin, "sede", agentEnv("sede"))

	token := s.superToken()
	for i, ced := range ceds {
		body := fmt.Sprintf(`{"name":"Persona Agente","cedula":%q,"phone":"3001234567","password":"clave-segura-123","passwordConfirm":"clave-segura-123","data_policy_accepted":true}`, ced)
		as := "" // a person registering, under the rate limit
		if i >= peopleRegistering {
			as = token
		}
		if status, out := s.post(as, "/api/collections/users/records", body); status != http.StatusOK {
			t.Fatalf("register %s: HTTP %d %s", ced, status, out)
		}
	}
	type status struct {
		Queue  map[string]int
		Worker struct {
			Broker struct {
				Queue struct {
					Waiting     int
					InFlight    int `json:"in_flight"`
					Redelivered int
				}
				Agents []struct {
					Name        string
					LookupsDone int `json:"lookups_done"`
				}
			}
		}
	}
	var st status
	// Deadlines grow with n: 3 agents, one lookup each at a time.
	stage := 120*time.Second + time.Duration(n)*time.Second
	for kill := 1; kill <= 3; kill++ {
		want := n * kill / 5
		waitFor(t, stage, fmt.Sprintf("%d checks answered", want), func() bool {
			s.get(token, "/api/census/worker", &st)
			return st.Queue["active"] >= want
		})
		t.Logf("kill -9 %d of agent oficina at %v", kill, st.Queue)
		_ = oficina.stop(syscall.SIGKILL)
		oficina.noChromiumLeft()
		oficina = startAgent(t, bin, "oficina", agentEnv("oficina"))
	}

	beforeServerKill := n * 11 / 15
	waitFor(t, stage, fmt.Sprintf("%d checks answered", beforeServerKill), func() bool {
		s.get(token, "/api/census/worker", &st)
		return st.Queue["active"] >= beforeServerKill
	})
	t.Logf("kill -9 of the server at %v", st.Queue)
	s.kill9()
	s.start()
	token = s.superToken()
	waitFor(t, stage+60*time.Second, "every check answered", func() bool {
		s.get(token, "/api/census/worker", &st)
		return st.Queue["active"] == n
	})
	t.Logf("all answered: queue %v, broker %+v", st.Queue, st.Worker.Broker)

	var users []struct{ ID, Cedula string }
	s.getAll(token, "/api/collections/users/records", &users)
	var infos []struct{ User, Status, Mesa string }
	s.getAll(token, "/api/collections/cedula_info/records", &infos)
	var attempts []struct {
		User, Outcome, Message string
		Success                bool
	}
	s.getAll(token, "/api/collections/census_attempts/records", &attempts)
	mesa := map[string]string{}
	for _, i := range infos {
		mesa[i.User] = i.Mesa
	}
	applied, outcomes := map[string]int{}, map[string]map[string]bool{}
	for _, a := range attempts {
		if !a.Success {
			continue
		}
		if outcomes[a.User] == nil {
			outcomes[a.User] = map[string]bool{}
		}
		outcomes[a.User][a.Outcome] = true
		if !strings.HasPrefix(a.Message, "late answer") {
			applied[a.User]++
		}
	}
	seen := 0
	for _, u := range users {
		idx := -1
		for i, c := range ceds {
			if c == u.Cedula {
				idx = i
			}
		}
		if idx < 0 {
			continue
		}
		seen++
		if got, want := mesa[u.ID], fmt.Sprint(idx+1); got != want {
			t.Errorf("cédula %s: mesa %q, want %q", u.Cedula, got, want)
		}
		if applied[u.ID] != 1 || len(outcomes[u.ID]) != 1 {
			t.Errorf("cédula %s: %d applied answers, outcomes %v; want exactly one, one outcome", u.Cedula, applied[u.ID], outcomes[u.ID])
		}
	}
	if seen != n {
		t.Errorf("%d of the %d people found", seen, n)
	}

	// Revoking regional's key (as from the dashboard) disconnects it; it
	// says so in one line and ends with an error.
	var keyList struct{ Items []struct{ ID, Name string } }
	s.get(token, "/api/collections/agent_keys/records?filter="+urlQuery(`name="regional"`), &keyList)
	if len(keyList.Items) != 1 {
		t.Fatalf("agent key regional: %+v", keyList)
	}
	req, _ := http.NewRequest(http.MethodPatch, s.base+"/api/collections/agent_keys/records/"+keyList.Items[0].ID, strings.NewReader(`{"revoked":true}`))
	req.Header.Set("Authorization", token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("revoke: %v %v", err, res)
	}
	res.Body.Close()
	select {
	case err := <-regional.done:
		var ee *exec.ExitError
		if !asExit(err, &ee) || ee.ExitCode() != 1 {
			t.Errorf("revoked agent ended with %v, want exit status 1", err)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("the revoked agent is still running")
	}
	if !strings.Contains(regional.errb.String(), "refused this agent's key") {
		t.Errorf("revoked agent's last words:\n%s", regional.errb.String())
	}
	regional.noChromiumLeft()

	// Ctrl-C: the other agents stop cleanly, their browsers with them.
	for _, a := range []*agentProc{oficina, sede} {
		if err := a.stop(syscall.SIGINT); err != nil {
			t.Errorf("agent %s on Ctrl-C: %v", a.name, err)
		}
		a.noChromiumLeft()
	}
	s.stop()
	_ = os.Remove(dir)
}

// peopleRegistering is how many of the agents test's people register
// themselves (under the 30-a-minute limit); the superuser creates the rest.
const peopleRegistering = 20

func asExit(err error, target **exec.ExitError) bool {
	ee, ok := err.(*exec.ExitError)
	if ok {
		*target = ee
	}
	return ok
}
