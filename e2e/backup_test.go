package e2e_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/padron/padron/apptest"
	"github.com/padron/padron/backups"
	"github.com/padron/padron/chromiumtest"
	"github.com/padron/padron/fakecaptcha"
	"github.com/padron/padron/fakeregistrar"
)

// person is one registrant of the backup test, with a cédula and a phone of
// their own so the metrics can be searched for each.
type person struct{ cedula, phone string }

func (p person) body() string {
	return fmt.Sprintf(`{"name":"Votante Respaldo","cedula":%q,"phone":%q,"password":%q,"passwordConfirm":%q,"data_policy_accepted":true}`,
		p.cedula, p.phone, apptest.Password, apptest.Password)
}

// registerAll registers people four at a time and returns the first
// failure (safe off the test goroutine).
func registerAll(base string, people []person) error {
	var wg sync.WaitGroup
	var mu sync.Mutex
	var errs []error
	sem := make(chan struct{}, 4)
	for _, p := range people {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			res, err := http.Post(base+"/api/collections/users/records", "application/json", strings.NewReader(p.body()))
			if err == nil {
				out, _ := io.ReadAll(res.Body)
				res.Body.Close()
				if res.StatusCode != http.StatusOK {
					err = fmt.Errorf("register %s: HTTP %d %s", p.cedula, res.StatusCode, out)
				}
			}
			if err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// queue is /api/census/worker's count of records by status.
func (s *proc) queue(token string) map[string]int {
	var st struct{ Queue map[string]int }
	s.get(token, "/api/census/worker", &st)
	return st.Queue
}

// scrapeMetrics reads /metrics as a superuser and parses it with
// Prometheus' text parser.
func (s *proc) scrapeMetrics(token string) (map[string]*dto.MetricFamily, string) {
	s.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, s.base+"/metrics", nil)
	req.Header.Set("Authorization", token)
	req.Header.Set("X-Forwarded-For", "203.0.113.7") // as through a proxy: only the token lets it in
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		s.t.Fatalf("GET /metrics: HTTP %d %s", res.StatusCode, raw)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(bytes.NewReader(raw))
	if err != nil {
		s.t.Fatalf("parsing /metrics: %v", err)
	}
	return fams, string(raw)
}

// metricSum adds every series of a counter, gauge or histogram (its count).
func metricSum(fams map[string]*dto.MetricFamily, name string) float64 {
	f := fams[name]
	if f == nil {
		return -1
	}
	var sum float64
	for _, m := range f.Metric {
		switch {
		case m.Counter != nil:
			sum += m.Counter.GetValue()
		case m.Gauge != nil:
			sum += m.Gauge.GetValue()
		case m.Histogram != nil:
			sum += float64(m.Histogram.GetSampleCount())
		}
	}
	return sum
}

// TestBackupRestoreWhileBusy is the disaster drill on the built binary: a
// backup taken through the API while 100 checks run and 50 registrations
// arrive, `padron restore` into a fresh directory, and a server started on
// it: every user has their cedula_info, the checks that were in flight at
// backup time are picked up again and finish, nothing is left pending.
// The metrics of both servers parse, move with the work and name no
// cédula or phone.
func TestBackupRestoreWhileBusy(t *testing.T) {
	t.Parallel()
	chromium := chromiumtest.Path(t)
	bin := binary(t)
	tmp := t.TempDir()

	const first, during = 100, 50
	people := make([]person, first+during)
	reg, _ := startFakesWith(t, fakeregistrar.Config{Fixtures: []fakeregistrar.Fixture{}}, fakecaptcha.Config{})
	for i := range people {
		people[i] = person{cedula: fmt.Sprint(1093100000 + i*37), phone: fmt.Sprint(3157000000 + i*91)}
		// Slow answers: checks are in flight at any moment, and the first
		// server spends little of the machine on lookups.
		reg.SetFixture(fakeregistrar.Fixture{Cedula: people[i].cedula, Case: fakeregistrar.CaseSlow, Delay: 2 * time.Second})
	}
	serverTmp := filepath.Join(tmp, "tmp")
	if err := os.Mkdir(serverTmp, 0o755); err != nil {
		t.Fatal(err)
	}
	env := fakeEnv(reg, chromium, serverTmp, "PADRON_PACING=20ms", "PADRON_PACING_JITTER=0s", "PADRON_CONCURRENCY=4",
		"PADRON_PUBLIC_DIR="+filepath.Join(tmp, "no-frontend"))

	a := &proc{t: t, bin: bin, dir: filepath.Join(tmp, "a"), env: env}
	a.superuser()
	a.start()
	t.Cleanup(func() {
		if a.cmd.ProcessState == nil {
			a.stop()
		}
	})
	token := a.superToken()
	var settings struct {
		Backups struct {
			Cron        string `json:"cron"`
			CronMaxKeep int    `json:"cronMaxKeep"`
		} `json:"backups"`
	}
	a.get(token, "/api/settings", &settings)
	if settings.Backups.Cron != backups.CronDefault || settings.Backups.CronMaxKeep != backups.KeepDefault {
		t.Errorf("first start: backups %+v, want on at %q keeping %d", settings.Backups, backups.CronDefault, backups.KeepDefault)
	}
	a.patch(token, "/api/settings", `{"rateLimits":{"enabled":false}}`) // one client registers everyone

	if err := registerAll(a.base, people[:first]); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 2*time.Minute, "checks running on the first server", func() bool {
		q := a.queue(token)
		return q["processing"] >= 1 && q["pending"] >= 20
	})

	// The backup, while 50 more register.
	regDone := make(chan error, 1)
	go func() { regDone <- registerAll(a.base, people[first:]) }()
	waitFor(t, time.Minute, "some of the 50 registered before the backup starts", func() bool {
		total := 0
		for _, n := range a.queue(token) {
			total += n
		}
		return total >= first+10
	})
	status, out := a.post(token, "/api/backups", `{"name":"busy.zip"}`)
	if status != http.StatusNoContent {
		t.Fatalf("POST /api/backups: HTTP %d %s", status, out)
	}
	if err := <-regDone; err != nil {
		t.Fatalf("registrations during the backup: %v", err)
	}
	atBackupEnd := a.queue(token)
	t.Logf("first server when the backup and registrations ended: %v", atBackupEnd)

	famsA, rawA := a.scrapeMetrics(token)
	if got := metricSum(famsA, "padron_registrations_total"); got != first+during {
		t.Errorf("first server: registrations_total %v, want %d", got, first+during)
	}
	if got := metricSum(famsA, "padron_backups_total"); got != 1 {
		t.Errorf("first server: backups_total %v, want 1", got)
	}
	a.stop()

	// Restore into a fresh directory, with no server running.
	zip := filepath.Join(a.dir, core.LocalBackupsDirName, "busy.zip")
	// The restored server's own settings apply on top of the backup's.
	b := &proc{t: t, bin: bin, dir: filepath.Join(tmp, "restored", "pb_data"),
		env: append(env[:len(env):len(env)], "PADRON_BACKUP_CRON=30 7 * * *", "PADRON_BACKUP_KEEP=3", "PADRON_METRICS_ALLOW=none")}
	start := time.Now()
	outJSON, err := exec.Command(bin, "restore", zip, "--dir", b.dir).Output()
	if err != nil {
		t.Fatalf("padron restore: %v\n%s", err, outJSON)
	}
	t.Logf("restore took %v: %s", time.Since(start).Round(time.Millisecond), bytes.TrimSpace(outJSON))
	var sum backups.Summary
	if err := json.Unmarshal(outJSON, &sum); err != nil {
		t.Fatal(err)
	}
	if sum.Users < first+10 || sum.Users > first+during || sum.UsersWithoutCensus != 0 || sum.InFlight < 1 {
		t.Fatalf("restored %+v: want %d to %d users, each with cedula_info, some checks in flight", sum, first+10, first+during)
	}
	// A second restore into the same directory is refused.
	again := exec.Command(bin, "restore", zip, "--dir", b.dir)
	againOut, err := again.Output()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 || !strings.Contains(string(againOut), `"error":"not_empty"`) {
		t.Errorf("restore into a non-empty dir: %v %s; want exit 1 with not_empty", err, againOut)
	}

	// The checks in flight at backup time, read from the restored files.
	db, err := core.DefaultDBConnect(filepath.Join(b.dir, "data.db"))
	if err != nil {
		t.Fatal(err)
	}
	var inFlight []string
	err = db.Select("user").From("cedula_info").Where(dbx.HashExp{"status": "processing"}).Column(&inFlight)
	db.Close()
	if err != nil || len(inFlight) != sum.InFlight {
		t.Fatalf("in-flight users %v (%v), want %d", inFlight, err, sum.InFlight)
	}

	// The site answers at once now: what is measured is that every check
	// finishes, not how slowly.
	for _, p := range people {
		reg.SetFixture(fakeregistrar.Fixture{Cedula: p.cedula, Case: fakeregistrar.CaseFound})
	}
	b.start()
	defer b.stop()
	token = b.superToken()
	b.get(token, "/api/settings", &settings)
	if settings.Backups.Cron != "30 7 * * *" || settings.Backups.CronMaxKeep != 3 {
		t.Errorf("restored server with PADRON_BACKUP_CRON and _KEEP: backups %+v", settings.Backups)
	}
	res, err := http.Get(b.base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnauthorized {
		t.Errorf("anonymous /metrics from loopback with PADRON_METRICS_ALLOW=none: HTTP %d, want 401", res.StatusCode)
	}
	// Every check final, those in flight at backup time included (the fair
	// order serves them last: their requesters were served most recently).
	// Stuck means no check finished for two minutes (the pace itself
	// depends on the machine's load).
	started, moved, lastActive := time.Now(), time.Now(), -1
	for {
		q := b.queue(token)
		if q["active"] == sum.Users && q["pending"] == 0 && q["processing"] == 0 {
			break
		}
		if q["active"] != lastActive {
			moved, lastActive = time.Now(), q["active"]
		}
		if time.Since(moved) > 2*time.Minute || time.Since(started) > 15*time.Minute {
			t.Fatalf("restored server stuck at %v (%d users)", q, sum.Users)
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("restored server: %v %v after its start", b.queue(token), time.Since(started).Round(time.Second))

	var users struct {
		Items []struct{ ID, Cedula string }
	}
	b.get(token, "/api/collections/users/records?perPage=500&fields=id,cedula", &users)
	var infos struct {
		Items []struct {
			User, Status, Mesa, FetchedAt string
		}
	}
	b.get(token, "/api/collections/cedula_info/records?perPage=500&fields=user,status,mesa,fetched_at", &infos)
	byUser := map[string]string{}
	for _, i := range infos.Items {
		byUser[i.User] = i.Status
	}
	if len(users.Items) != sum.Users || len(infos.Items) != sum.Users {
		t.Errorf("restored server: %d users and %d cedula_info, want %d of each", len(users.Items), len(infos.Items), sum.Users)
	}
	for _, u := range users.Items {
		if byUser[u.ID] != "active" {
			t.Errorf("user %s (cédula %s): cedula_info %q, want active", u.ID, u.Cedula, byUser[u.ID])
		}
	}
	for _, id := range inFlight {
		if byUser[id] != "active" {
			t.Errorf("the check of %s, in flight at backup time, ended %q", id, byUser[id])
		}
	}

	famsB, rawB := b.scrapeMetrics(token)
	if got := metricSum(famsB, "padron_lookup_duration_seconds"); got < float64(len(inFlight)) {
		t.Errorf("restored server: %v lookups counted, want at least the %d in flight", got, len(inFlight))
	}
	if got := metricSum(famsB, "padron_census_checks"); got != float64(sum.Users) {
		t.Errorf("restored server: census_checks sum %v, want %d", got, sum.Users)
	}
	for _, p := range people {
		for _, raw := range []string{rawA, rawB} {
			if strings.Contains(raw, p.cedula) || strings.Contains(raw, p.phone) {
				t.Fatalf("/metrics names cédula %s or phone %s", p.cedula, p.phone)
			}
		}
	}
}
