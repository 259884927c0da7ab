package e2e_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/padron/padron/apptest"
	"github.com/padron/padron/chromiumtest"
	"github.com/padron/padron/config"
	"github.com/padron/padron/fakecaptcha"
	"github.com/padron/padron/fakeregistrar"
	"github.com/padron/padron/server"
)

// startFakes serves the fake registrar with the fake captcha service
// mounted at /captcha, on loopback, for the test's lifetime.
func startFakes(t testing.TB) *fakeregistrar.Running {
	t.Helper()
	reg, _ := startFakesWith(t, fakeregistrar.Config{}, fakecaptcha.Config{})
	return reg
}

// startFakesWith is startFakes with the fakes configured as rc and cc say;
// the registrar accepts only the fake captcha service's tokens.
func startFakesWith(t testing.TB, rc fakeregistrar.Config, cc fakecaptcha.Config) (*fakeregistrar.Running, *fakecaptcha.Server) {
	t.Helper()
	rc.VerifyToken = func(_ context.Context, _, token string) bool {
		return strings.HasPrefix(token, fakecaptcha.TokenPrefix)
	}
	reg, err := fakeregistrar.Start(context.Background(), "127.0.0.1:0", rc)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = reg.Close() })
	solver := fakecaptcha.New(cc)
	reg.Mount("/captcha", solver)
	return reg, solver
}

// fakeConfig is the default configuration pointed at the fakes, with
// captcha polls fast enough for tests.
func fakeConfig(t testing.TB, reg *fakeregistrar.Running) config.Config {
	t.Helper()
	cfg := config.Default()
	cfg.RegistrarURL = reg.WSPURL()
	cfg.CaptchaURL = reg.URL() + "/captcha"
	cfg.CaptchaKey = fakecaptcha.KeyGood
	cfg.CaptchaFirstPoll = time.Millisecond
	cfg.CaptchaPollInterval = 10 * time.Millisecond
	cfg.ChromiumPath = chromiumtest.Path(t)
	return cfg
}

// stack is a whole Padrón built by server.Build on a seeded app and served
// on loopback: what the binary runs, in process.
type stack struct {
	app  *tests.TestApp
	srv  *server.Server
	base string
	cast apptest.Cast
}

func newStack(t testing.TB, cfg config.Config) *stack {
	t.Helper()
	app := apptest.NewBareApp(t)
	t.Cleanup(app.Cleanup) // terminates: stops the worker, closes Chromium
	s, err := server.Build(app, cfg)
	if err != nil {
		t.Fatal(err)
	}
	hs := apptest.Serve(t, app) // serves: starts the worker
	return &stack{app: app, srv: s, base: hs.URL, cast: apptest.Seeded(t)}
}

// register signs a person up through the API, as the web app does, and
// returns their user id.
func register(t testing.TB, base, cedula, ref string) string {
	t.Helper()
	body := fmt.Sprintf(`{"name":"Votante de Prueba","cedula":%q,"phone":"3001234567","password":%q,"passwordConfirm":%q,"data_policy_accepted":true,"ref":%q}`,
		cedula, apptest.Password, apptest.Password, ref)
	res, err := http.Post(base+"/api/collections/users/records", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out struct{ ID string }
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("register %s: HTTP %d (%v)", cedula, res.StatusCode, err)
	}
	return out.ID
}

func (s *stack) info(t testing.TB, userID string) *core.Record {
	t.Helper()
	r, err := s.app.FindFirstRecordByData("cedula_info", "user", userID)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func (s *stack) attempts(t testing.TB, userID string) []*core.Record {
	t.Helper()
	rs, err := s.app.FindRecordsByFilter("census_attempts", "user = {:u}", "attempt", 0, 0, map[string]any{"u": userID})
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func (s *stack) waitStatus(t testing.TB, userID, status string) {
	t.Helper()
	waitFor(t, 30*time.Second, userID+" → "+status, func() bool {
		return s.info(t, userID).GetString("status") == status
	})
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t testing.TB, within time.Duration, what string, cond func() bool) {
	t.Helper()
	waitUntil(t, time.Now().Add(within), what, cond)
}

// waitUntil is waitFor with an absolute deadline shared by several waits.
func waitUntil(t testing.TB, deadline time.Time, what string, cond func() bool) {
	t.Helper()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// laneGaps are the gaps between consecutive lookup requests of one method,
// as the fake registrar received them: page loads (GET) and form posts
// (POST) are paced each in their own lane, so one lookup's page load may
// come while another's post is answered, but two page loads, or two posts,
// are never closer than the pacing gap (less the wire slack).
func laneGaps(reg *fakeregistrar.Running, method string) []time.Duration {
	var at []time.Time
	for _, a := range reg.Arrivals() {
		if a.Lookup() && a.Method == method {
			at = append(at, a.At)
		}
	}
	var gaps []time.Duration
	for i := 1; i < len(at); i++ {
		gaps = append(gaps, at[i].Sub(at[i-1]))
	}
	return gaps
}

func rounded(d []time.Duration) []time.Duration {
	out := slices.Clone(d)
	slices.Sort(out)
	for i := range out {
		out[i] = out[i].Round(time.Millisecond)
	}
	return out
}

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// TestMain removes the binary built for the tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" {
		_ = os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}

// binary builds the padron binary once per test process.
func binary(t testing.TB) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the server binary")
	}
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "padron-e2e-bin-")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "padron")
		if out, err := exec.Command("go", "build", "-o", binPath, "github.com/padron/padron").CombinedOutput(); err != nil {
			binErr = fmt.Errorf("build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// fakeEnv is the environment that points the server binary at the fakes
// reg serves, with Chromium at chromium and serverTmp as its TMPDIR (where
// its browser profiles go), fast captcha polls, plus extra PADRON_* settings.
func fakeEnv(reg *fakeregistrar.Running, chromium, serverTmp string, extra ...string) []string {
	return append(append(os.Environ(),
		"TMPDIR="+serverTmp,
		"PADRON_REGISTRAR_URL="+reg.WSPURL(),
		"PADRON_CAPTCHA_URL="+reg.URL()+"/captcha",
		"PADRON_CAPTCHA_KEY="+fakecaptcha.KeyGood,
		"PADRON_CAPTCHA_FIRST_POLL=5ms", "PADRON_CAPTCHA_POLL_INTERVAL=5ms",
		"PADRON_CHROMIUM="+chromium,
	), extra...)
}

func execOutput(name string, args ...string) ([]byte, error) {
	return exec.Command(name, args...).CombinedOutput()
}

func urlQuery(s string) string { return url.QueryEscape(s) }

// slowRegistrar starts the fakes with n cédulas from first on, each found
// in Neiva at mesa i+1 after delay, so several lookups are in flight at once.
func slowRegistrar(t testing.TB, n, first int, delay time.Duration) (*fakeregistrar.Running, []string) {
	t.Helper()
	reg, _ := startFakesWith(t, fakeregistrar.Config{Fixtures: []fakeregistrar.Fixture{}, DefaultCase: fakeregistrar.CaseSlow},
		fakecaptcha.Config{})
	ceds := make([]string, n)
	for i := range ceds {
		ceds[i] = fmt.Sprint(first + i)
		reg.SetFixture(fakeregistrar.Fixture{Cedula: ceds[i], Case: fakeregistrar.CaseSlow, Delay: delay,
			Departamento: "HUILA", Municipio: "NEIVA", Puesto: "COLEGIO SANTA LIBRADA", Direccion: "CL 8", Mesa: fmt.Sprint(i + 1)})
	}
	return reg, ceds
}
