package e2e_test

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/padron/padron/chromiumtest"
)

// TestAgentInsideServer runs the server binary with its embedded broker and
// PADRON_WORKER=true, and no agent process: the server consumes its own
// queue through the agent inside it (real Chromium, the fakes), every
// check ends answered once and right, the status lists that agent with
// its lookups, and stopping the server leaves no Chromium behind.
func TestAgentInsideServer(t *testing.T) {
	t.Parallel()
	chromium := chromiumtest.Path(t)
	bin := binary(t)
	tmp := t.TempDir()

	const n = 4
	reg, ceds := slowRegistrar(t, n, 74000000, 100*time.Millisecond)
	serverTmp := t.TempDir()
	dir := filepath.Join(tmp, "pb_data")
	s := &proc{t: t, bin: bin, dir: dir, env: fakeEnv(reg, chromium, serverTmp,
		"PADRON_BROKER=embedded", "PADRON_BROKER_LISTEN="+freeAddr(t), "PADRON_WORKER=true",
		"PADRON_CONCURRENCY=2", "PADRON_PACING=50ms", "PADRON_PACING_JITTER=0s",
		"PADRON_PUBLIC_DIR="+filepath.Join(tmp, "no-frontend"),
	), logDir: os.Getenv("PADRON_E2E_LOGS")}
	s.superuser()
	s.start()
	for _, ced := range ceds {
		body := fmt.Sprintf(`{"name":"Persona Servidor","cedula":%q,"phone":"3001234567","password":"clave-segura-123","passwordConfirm":"clave-segura-123","data_policy_accepted":true}`, ced)
		res, err := http.Post(s.base+"/api/collections/users/records", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 200 {
			t.Fatalf("register %s: HTTP %d", ced, res.StatusCode)
		}
	}
	var st struct {
		Queue  map[string]int
		Worker struct {
			Broker struct {
				Agents []struct {
					Name        string
					LookupsDone int `json:"lookups_done"`
				}
			}
		}
	}
	token := s.superToken()
	waitFor(t, 180*time.Second, "every check answered by the server's own agent", func() bool {
		s.get(token, "/api/census/worker", &st)
		return st.Queue["active"] == n && len(st.Worker.Broker.Agents) == 1 && st.Worker.Broker.Agents[0].LookupsDone == n
	})
	if a := st.Worker.Broker.Agents[0]; a.Name != "server" {
		t.Errorf("agent %q, want the server's own (server)", a.Name)
	}
	var infos struct {
		Items []struct{ Status, Mesa string }
	}
	s.get(token, "/api/collections/cedula_info/records?perPage=500&filter="+urlQuery(`status="active"`), &infos)
	mesas := map[string]bool{}
	for _, i := range infos.Items {
		mesas[i.Mesa] = true
	}
	for i := range n {
		if !mesas[fmt.Sprint(i+1)] {
			t.Errorf("no check answered with mesa %d: %+v", i+1, infos.Items)
		}
	}
	s.stop()
	waitFor(t, 15*time.Second, "no Chromium left by the server", func() bool { return len(chromiumsUnder(serverTmp)) == 0 })
}
