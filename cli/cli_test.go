package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/padron/padron/census"
	"github.com/padron/padron/chromiumtest"
	"github.com/padron/padron/config"
	"github.com/padron/padron/fakecaptcha"
	"github.com/padron/padron/fakeregistrar"
	"github.com/padron/padron/scraper"
	"github.com/padron/padron/server"
)

// run executes the padron command line args the way main wires it: cfg
// bound to the root's persistent flags with env as the environment.
func run(t *testing.T, env map[string]string, stdin string, args ...string) (string, error) {
	t.Helper()
	root := &cobra.Command{Use: "padron", SilenceUsage: true}
	cfg := config.Default()
	cfg.Bind(root.PersistentFlags(), func(k string) string { return env[k] })
	Register(root, &cfg)
	var out bytes.Buffer
	root.SetArgs(args)
	root.SetIn(strings.NewReader(stdin))
	root.SetOut(&out)
	root.SetErr(io.Discard)
	err := root.ExecuteContext(t.Context())
	return out.String(), err
}

// decode reads the single JSON object a command printed.
func decode(t *testing.T, out string) map[string]string {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(out))
	var m map[string]string
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("output %q is not one JSON object of strings: %v", out, err)
	}
	if dec.More() {
		t.Fatalf("output %q holds more than one JSON value", out)
	}
	return m
}

// exitCode is the code err asks main to exit with (0 for nil).
func exitCode(t *testing.T, err error) int {
	t.Helper()
	if err == nil {
		return 0
	}
	var ee *ExitError
	if !errors.As(err, &ee) {
		t.Fatalf("error %v is not an *ExitError", err)
	}
	return ee.Code
}

var answerKeys = []string{"cedula", "outcome", "departamento", "municipio", "puesto", "direccion", "mesa", "novedad", "resolucion", "fecha_novedad"}

// checkAnswer asserts out is an answer with exactly the documented keys.
func checkAnswer(t *testing.T, out string, want map[string]string) {
	t.Helper()
	m := decode(t, out)
	if len(m) != len(answerKeys) {
		t.Errorf("answer has keys %v, want exactly %v", m, answerKeys)
	}
	for _, k := range answerKeys {
		if _, ok := m[k]; !ok {
			t.Errorf("answer lacks %q", k)
		}
	}
	for k, v := range want {
		if m[k] != v {
			t.Errorf("%s = %q, want %q", k, m[k], v)
		}
	}
}

// checkFailure asserts out is a failure of kind with a message.
func checkFailure(t *testing.T, out, cedula, kind string) {
	t.Helper()
	m := decode(t, out)
	if len(m) != 3 || m["cedula"] != cedula || m["error"] != kind || m["message"] == "" {
		t.Errorf("failure %v, want {cedula: %q, error: %q, message}", m, cedula, kind)
	}
}

const (
	wspNotFound = `{"success":true,"data":{"message":"El documento de identidad n\u00famero 123456 no se encuentra en el censo para esta elecci\u00f3n."}}`
	wspCurl     = `{"success":false,"data":{"message":"Curl error: Operation timed out after 15008 milliseconds with 0 bytes received"}}`
	elFound     = `{"status":true,"status_code":200,"data":{"voter":{"identification":"1020304050"},"is_in_census":true,"novelty":[],"polling_place":{"stand":"COLEGIO JAVERIANO","stand_code":"01","table":9,"place_address":{"state":"NARIÑO","town":"PASTO","address":"CL 18 # 29 - 73","zone":"01"}}}}`
	elDeceased  = `{"status":true,"status_code":200,"data":{"voter":{"identification":"19283746"},"is_in_census":false,"novelty":[{"name":"Cancelada por Muerte","resolution":"0412 de 2019","date":"14/03/2019"}],"polling_place":null}}`
	f5Block     = `<html><head><title>Request Rejected</title></head><body>The requested URL was rejected. Please consult with your administrator.<br><br>Your support ID is: 1234567890123456789<br><br><a href='javascript:history.back();'>[Go Back]</a></body></html>`
)

// TestParse feeds saved answers through `census parse`.
func TestParse(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		args  []string
		stdin string
		code  int
		want  map[string]string // answer fields; nil for a failure
		kind  string            // failure kind
		ced   string            // failure's cedula
	}{
		{"wsp not found", []string{"--cedula", "123.456"}, wspNotFound, 0, map[string]string{"cedula": "123456", "outcome": "not_found"}, "", ""},
		{"elecciones found", []string{"--source", "elecciones"}, elFound, 0, map[string]string{
			"cedula": "1020304050", "outcome": "found", "departamento": "NARIÑO", "municipio": "PASTO",
			"puesto": "COLEGIO JAVERIANO", "direccion": "CL 18 # 29 - 73", "mesa": "9"}, "", ""},
		{"elecciones deceased", []string{"--source", "elecciones", "--cedula", "19283746"}, elDeceased, 0, map[string]string{
			"outcome": "cancelled_deceased", "novedad": "Cancelada por Muerte", "resolucion": "0412 de 2019", "fecha_novedad": "14/03/2019"}, "", ""},
		{"block page", []string{"--status", "500"}, f5Block, ExitFailure, nil, "blocked", ""},
		{"curl error", []string{"--cedula", "1000000005"}, wspCurl, ExitFailure, nil, "transient", "1000000005"},
		{"garbage", []string{"--source", "elecciones"}, "<html>hola</html>", ExitFailure, nil, "site_changed", ""},
		{"invalid cedula", []string{"--cedula", "12x"}, wspNotFound, ExitUsage, nil, "invalid_cedula", "12x"},
		{"unknown source", []string{"--source", "nope"}, wspNotFound, ExitUsage, nil, "usage", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			out, err := run(t, nil, tc.stdin, append([]string{"census", "parse"}, tc.args...)...)
			if got := exitCode(t, err); got != tc.code {
				t.Fatalf("exit code %d (%v), want %d; output %s", got, err, tc.code, out)
			}
			if tc.want != nil {
				checkAnswer(t, out, tc.want)
			} else {
				checkFailure(t, out, tc.ced, tc.kind)
			}
		})
	}
}

// TestLookupWithoutBrowser covers the failures the CLI reports before any
// browser starts: an invalid cédula and a missing captcha key.
func TestLookupWithoutBrowser(t *testing.T) {
	t.Parallel()
	out, err := run(t, nil, "", "census", "lookup", "1.02a")
	if exitCode(t, err) != ExitUsage {
		t.Fatalf("invalid cedula: %v", err)
	}
	checkFailure(t, out, "1.02a", "invalid_cedula")
	if m := decode(t, out); !strings.Contains(m["message"], "números") {
		t.Errorf("message %q is not the Spanish validation text", m["message"])
	}

	out, err = run(t, map[string]string{"PADRON_SOURCE": "nope"}, "", "census", "lookup", "1020304050")
	if exitCode(t, err) != ExitUsage {
		t.Fatalf("unknown source: %v", err)
	}
	checkFailure(t, out, "1020304050", "usage")

	env := map[string]string{"PADRON_CHROMIUM": "/nonexistent/chromium", "PADRON_REGISTRAR_URL": "http://127.0.0.1:1/censo/"}
	out, err = run(t, env, "", "census", "lookup", "1.020.304.050")
	if exitCode(t, err) != ExitFailure || !errors.Is(err, census.ErrCaptchaConfig) {
		t.Fatalf("no captcha key: %v", err)
	}
	checkFailure(t, out, "1020304050", "captcha_config")
}

// startFake runs `fake-registrar` on a free loopback port until the test
// ends, and returns its base URL.
func startFake(t *testing.T) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- runFakeRegistrar(ctx, io.Discard, fakeOptions{Addr: "127.0.0.1:0", SlowDelay: 20 * time.Second}, func(b string) { ready <- b })
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("fake-registrar: %v", err)
		}
	})
	select {
	case b := <-ready:
		return b
	case err := <-done:
		t.Fatalf("fake-registrar did not start: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("fake-registrar did not start within 10 s")
	}
	return ""
}

// fakeEnv points the command line at the fake started by startFake.
func fakeEnv(base, source string) map[string]string {
	return map[string]string{
		"PADRON_SOURCE":             source,
		"PADRON_REGISTRAR_URL":      base + "/censo/consultar/",
		"PADRON_ELECCIONES_URL":     base + "/identificacion",
		"PADRON_ELECCIONES_API_URL": base + "/api/v1/citizen/get-information",
		"PADRON_CAPTCHA_URL":        base + "/captcha",
		"PADRON_CAPTCHA_KEY":        fakecaptcha.KeyGood,
		"PADRON_CAPTCHA_FIRST_POLL": "1ms", // the fake answers at once
	}
}

// TestLookupCommand runs `census lookup` end to end: flags and environment,
// the production engine builder, a real Chromium and the fake-registrar
// command.
func TestLookupCommand(t *testing.T) {
	chromiumtest.Path(t) // skips without a browser; takes the browser-test lock
	t.Parallel()
	base := startFake(t)
	out, err := run(t, fakeEnv(base, "wsp"), "", "census", "lookup", "--captcha-api", "task", "1.020.304.050")
	if err != nil {
		t.Fatalf("lookup: %v; output %s", err, out)
	}
	checkAnswer(t, out, map[string]string{"cedula": "1020304050", "outcome": "found", "departamento": "BOGOTA D.C.", "mesa": "12"})
}

// TestLookupCommandOutcomes checks the JSON and exit code of answers and
// failures, with a short lookup timeout for the slow fixture.
func TestLookupCommandOutcomes(t *testing.T) {
	chromiumtest.Path(t) // skips without a browser; takes the browser-test lock
	t.Parallel()
	base := startFake(t)
	// withTimeout is the production builder with a given lookup timeout.
	withTimeout := func(d time.Duration) engineBuilder {
		return func(cfg *config.Config, logger *slog.Logger) (lookupEngine, error) {
			ec, err := server.EngineConfig(cfg, logger)
			if err != nil {
				return nil, err
			}
			ec.LookupTimeout = d
			e, err := scraper.New(ec)
			if err != nil {
				return nil, err
			}
			return e, nil
		}
	}
	cases := []struct {
		source, cedula string
		timeout        time.Duration // shorter than the slow fixture's 20 s for the timeout case
		want           map[string]string
		kind           string
	}{
		{"elecciones", "19283746", 30 * time.Second, map[string]string{"outcome": "cancelled_deceased", "novedad": "Cancelada por Muerte"}, ""},
		{"wsp", "1000000001", 30 * time.Second, nil, "blocked"},
		{"elecciones", "1000000003", 4 * time.Second, nil, "timeout"},
	}
	for _, tc := range cases {
		cfg := config.FromEnv(func(k string) string { return fakeEnv(base, tc.source)[k] })
		var out bytes.Buffer
		err := runLookup(t.Context(), &cfg, withTimeout(tc.timeout), slog.New(slog.DiscardHandler), &out, tc.cedula)
		if tc.want != nil {
			if err != nil {
				t.Fatalf("%s: %v; output %s", tc.cedula, err, out.String())
			}
			checkAnswer(t, out.String(), tc.want)
			continue
		}
		if exitCode(t, err) != ExitFailure {
			t.Fatalf("%s: exit %v, want %d", tc.cedula, err, ExitFailure)
		}
		checkFailure(t, out.String(), tc.cedula, tc.kind)
	}
}

// TestFakeRegistrarCommand checks the banner, that both fakes answer, that
// non-loopback addresses are refused, and that it stops when told.
func TestFakeRegistrarCommand(t *testing.T) {
	t.Parallel()
	_, err := run(t, nil, "", "fake-registrar", "--addr", "0.0.0.0:0")
	if err == nil || !strings.Contains(err.Error(), "--allow-remote") {
		t.Fatalf("non-loopback address: %v, want a refusal naming --allow-remote", err)
	}
	fixtures := filepath.Join(t.TempDir(), "fixtures.json")
	if err := os.WriteFile(fixtures, []byte(`[{"cedula": "777888999", "case": "slow"}]`), 0o600); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var banner bytes.Buffer
	ready := make(chan string, 1)
	done := make(chan error, 1)
	opts := fakeOptions{Addr: "127.0.0.1:0", Fixtures: fixtures, SlowDelay: 3 * time.Second}
	go func() { done <- runFakeRegistrar(ctx, &banner, opts, func(b string) { ready <- b }) }()
	var base string
	select {
	case base = <-ready:
	case err := <-done:
		t.Fatalf("did not start: %v", err)
	}
	for _, want := range []string{
		"PADRON_REGISTRAR_URL=" + base + "/censo/consultar/", "PADRON_CAPTCHA_URL=" + base + "/captcha",
		"PADRON_CAPTCHA_KEY=good-key", "777888999", "slow", "after 3s",
	} {
		if !strings.Contains(banner.String(), want) {
			t.Errorf("banner lacks %q:\n%s", want, banner.String())
		}
	}
	get := func(path string) (int, string) {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, base+path, nil)
		req.Header.Set("User-Agent", scraper.UserAgentDefault)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get("/censo/consultar/"); code != http.StatusOK || !strings.Contains(body, `id="nuip"`) {
		t.Errorf("wsp page: %d %.200s", code, body)
	}
	if code, body := get("/captcha/res.php?action=getbalance&json=1&key=good-key"); code != http.StatusOK || !strings.Contains(body, `"status":1`) {
		t.Errorf("captcha balance: %d %s", code, body)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("stop: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("fake-registrar still running 10 s after its context ended")
	}
	if _, err := http.Get(base + "/"); err == nil {
		t.Error("still answering after stop")
	}
}

// TestFakeRegistrarChaos checks --chaos: the banner says so, lookups fail
// as the flags ask, and a rate outside 0..1 is refused.
func TestFakeRegistrarChaos(t *testing.T) {
	t.Parallel()
	if _, err := run(t, nil, "", "fake-registrar", "--addr", "127.0.0.1:0", "--chaos", "--chaos-rate", "1.5"); err == nil ||
		!strings.Contains(err.Error(), "--chaos-rate") {
		t.Fatalf("rate 1.5: %v, want a refusal naming --chaos-rate", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var banner bytes.Buffer
	ready := make(chan string, 1)
	done := make(chan error, 1)
	opts := fakeOptions{Addr: "127.0.0.1:0", Chaos: true, ChaosSeed: 42, ChaosRate: 1}
	go func() { done <- runFakeRegistrar(ctx, &banner, opts, func(b string) { ready <- b }) }()
	var base string
	select {
	case base = <-ready:
	case err := <-done:
		t.Fatalf("did not start: %v", err)
	}
	if !strings.Contains(banner.String(), "Chaos mode (seed 42): 100%") {
		t.Errorf("banner does not announce chaos:\n%s", banner.String())
	}
	// Every lookup gets a fault; all but slow ones fail at once.
	hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	failed := 0
	for i := range 8 {
		body := fmt.Sprintf(`{"identification":"%d","identification_type":"CC"}`, 52000300+i)
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, base+fakeregistrar.APIPath, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("User-Agent", scraper.UserAgentDefault)
		req.Header.Set("Authorization", "Bearer "+fakecaptcha.TokenPrefix+fmt.Sprint(i))
		res, err := hc.Do(req)
		if err != nil {
			failed++ // a reset
			continue
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK || !json.Valid(b) || strings.Contains(string(b), "Request Rejected") {
			failed++
		}
	}
	if failed == 0 {
		t.Error("--chaos-rate 1: no lookup failed")
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("stop: %v", err)
	}
}
