package e2e_test

import (
	"encoding/json"
	"fmt"
	mrand "math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/padron/padron/chromiumtest"
	"github.com/padron/padron/fakecaptcha"
	"github.com/padron/padron/fakeregistrar"
)

// TestKill9Storm kills the server binary with SIGKILL at random moments
// while checks run, restarting it on the same data directory each time and
// registering more people in between. In the end every check is final
// (none lost, none stuck in processing), each answered exactly once, and
// no Chromium process or profile of the server is left. The report counts
// the lookups the kills made the registrar answer twice.
// Quick: 3 kills during 30 checks; PADRON_FAULTS=long: 10 kills during 200.
// PADRON_FAULTS_SEED replays the kill moments.
func TestKill9Storm(t *testing.T) {
	t.Parallel()
	chromium := chromiumtest.Path(t)
	bin := binary(t)
	n, kills := sized(30, 200), sized(3, 10)
	seed := faultSeed(t, 9)
	rnd := mrand.New(mrand.NewPCG(seed, 0))
	t.Logf("%d checks, %d kills, seed %d (replay with %s_SEED=%d)", n, kills, seed, faultsEnv, seed)
	tmp := t.TempDir()

	// Lookups take 200–800 ms on the site, so several are in flight.
	reg, _ := startFakesWith(t, fakeregistrar.Config{Fixtures: []fakeregistrar.Fixture{}}, fakecaptcha.Config{})
	ceds := make([]string, n)
	for i := range ceds {
		ceds[i] = fmt.Sprint(71000000 + i)
		reg.SetFixture(fakeregistrar.Fixture{Cedula: ceds[i], Case: fakeregistrar.CaseSlow,
			Delay: time.Duration(200+rnd.IntN(600)) * time.Millisecond})
	}

	serverTmp := filepath.Join(tmp, "tmp") // the server's TMPDIR, to see what kills leave there
	if err := os.Mkdir(serverTmp, 0o755); err != nil {
		t.Fatal(err)
	}
	s := &proc{t: t, bin: bin, dir: filepath.Join(tmp, "pb_data"), env: fakeEnv(reg, chromium, serverTmp,
		"PADRON_PACING=50ms", "PADRON_PACING_JITTER=0s",
		"PADRON_PUBLIC_DIR="+filepath.Join(tmp, "no-frontend"),
	)}
	s.superuser()
	s.start()
	t.Cleanup(func() {
		if s.cmd.ProcessState == nil {
			s.stop()
		}
	})
	// One client registers everyone: the per-IP limiter would refuse it.
	s.patch(s.superToken(), "/api/settings", `{"rateLimits":{"enabled":false}}`)

	registered := 0
	registerUpTo := func(upTo int) {
		for ; registered < upTo; registered++ {
			body := fmt.Sprintf(`{"name":"Persona Choque","cedula":%q,"phone":"3001234567","password":"clave-segura-123","passwordConfirm":"clave-segura-123","data_policy_accepted":true}`, ceds[registered])
			if status, out := s.post("", "/api/collections/users/records", body); status != http.StatusOK {
				t.Fatalf("register %s: HTTP %d %s", ceds[registered], status, out)
			}
		}
	}
	var inFlight, chromiums []int
	for k := range kills {
		registerUpTo(n * (k + 1) / (kills + 1))
		// A random moment while checks run.
		time.Sleep(time.Duration(300+rnd.IntN(2500)) * time.Millisecond)
		var counts struct{ Queue map[string]int }
		s.get(s.superToken(), "/api/census/worker", &counts)
		inFlight = append(inFlight, counts.Queue["processing"])
		chromiums = append(chromiums, len(chromiumsUnder(serverTmp)))
		s.kill9()
		// Leakless takes the killed server's Chromium with it.
		waitFor(t, 15*time.Second, "no Chromium of the killed server", func() bool { return len(chromiumsUnder(serverTmp)) == 0 })
		s.start()
	}
	registerUpTo(n)
	token := s.superToken()
	waitFor(t, time.Duration(n)*2*time.Second+60*time.Second, "every check final", func() bool {
		var counts struct{ Queue map[string]int }
		s.get(token, "/api/census/worker", &counts)
		return counts.Queue["active"] == n
	})

	var users []struct{ ID, Cedula string }
	s.getAll(token, "/api/collections/users/records", &users)
	var infos []struct{ User, Status string }
	s.getAll(token, "/api/collections/cedula_info/records", &infos)
	var attempts []attemptRow
	s.getAll(token, "/api/collections/census_attempts/records", &attempts)
	s.stop()

	if len(users) != n || len(infos) != n {
		t.Fatalf("after %d kills: %d users, %d cedula_info, want %d each", kills, len(users), len(infos), n)
	}
	status := map[string]string{}
	for _, i := range infos {
		status[i.User] = i.Status
	}
	success := map[string]int{}
	for _, a := range attempts {
		if a.Success {
			success[a.User]++
		}
	}
	lookups := map[string]int{}
	for _, l := range reg.Lookups() {
		lookups[l.Cedula]++
	}
	dups, worst := 0, 0
	for _, u := range users {
		if status[u.ID] != "active" || success[u.ID] != 1 {
			t.Errorf("%s: status %q with %d successful attempts, want active answered once", u.Cedula, status[u.ID], success[u.ID])
		}
		if lookups[u.Cedula] == 0 {
			t.Errorf("%s: active without a lookup at the registrar", u.Cedula)
		}
		dups += max(0, lookups[u.Cedula]-1)
		worst = max(worst, lookups[u.Cedula])
	}
	t.Logf("%d kills with %v checks processing and %v Chromium processes; %d lookups for %d checks: %d duplicate lookups (at most %d for one cédula); %d attempt rows",
		kills, inFlight, chromiums, len(reg.Lookups()), n, dups, worst, len(attempts))
	if left := chromiumsUnder(serverTmp); len(left) > 0 {
		t.Errorf("Chromium processes left: %v", left)
	}
	if left, err := os.ReadDir(filepath.Join(serverTmp, "padron-chromium")); err != nil || len(left) != 0 {
		t.Errorf("Chromium profiles left: %v (%v)", left, err)
	}
}

// chromiumsUnder lists the pids of processes whose command line mentions
// dir: the Chromium of a server whose TMPDIR is dir (its profile is there).
func chromiumsUnder(dir string) []string {
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	var out []string
	for _, p := range procs {
		b, err := os.ReadFile(p)
		if err != nil || !strings.Contains(string(b), dir) || !strings.Contains(string(b), "chrom") {
			continue
		}
		out = append(out, filepath.Base(filepath.Dir(p)))
	}
	return out
}

// getAll reads every page of a records list into items (a pointer to a slice).
func (s *proc) getAll(token, path string, items any) {
	s.t.Helper()
	var all []json.RawMessage
	for page := 1; ; page++ {
		var list struct {
			Items      []json.RawMessage `json:"items"`
			TotalPages int               `json:"totalPages"`
		}
		s.get(token, fmt.Sprintf("%s?perPage=500&page=%d&skipTotal=0", path, page), &list)
		all = append(all, list.Items...)
		if page >= list.TotalPages {
			break
		}
	}
	b, _ := json.Marshal(all)
	if err := json.Unmarshal(b, items); err != nil {
		s.t.Fatal(err)
	}
}
