package scraper

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/padron/padron/captcha"
	"github.com/padron/padron/cedula"
	"github.com/padron/padron/census"
	"github.com/padron/padron/fakecaptcha"
	"github.com/padron/padron/pacing"
	"github.com/padron/padron/registrar"
)

var sources = []census.Source{census.SourceWSP, census.SourceElecciones}

// TestCaptchaFailures checks captcha trouble is classified before any
// browser starts or the gate is consulted.
func TestCaptchaFailures(t *testing.T) {
	f := startFakes(t)
	cases := []struct {
		name  string
		key   string // "" = no solver at all
		class error
	}{
		{"no key", "", census.ErrCaptchaConfig},
		{"bad key", fakecaptcha.KeyBad, census.ErrCaptchaConfig},
		{"zero balance", fakecaptcha.KeyZeroBalance, census.ErrCaptchaConfig},
		{"unsolvable", fakecaptcha.KeyUnsolvable, census.ErrCaptcha},
		{"service unreachable", keyUnreachable, census.ErrCaptchaUnreachable},
	}
	for _, source := range sources {
		for _, api := range []string{captcha.APIClassic, captcha.APITask} {
			for _, tc := range cases {
				if tc.key == "" && api == captcha.APITask {
					continue // no solver: the API is irrelevant
				}
				t.Run(string(source)+"/"+api+"/"+tc.name, func(t *testing.T) {
					t.Parallel()
					tr := newTrace()
					var solver captcha.Solver
					switch tc.key {
					case "":
					case keyUnreachable:
						solver = tracingSolver{unreachableSolver(t, api), tr}
					default:
						solver = tracingSolver{f.solver(t, api, tc.key+"-"+string(source)+"-"+api), tr}
					}
					cfg := f.config(t, source, solver)
					cfg.Gate = tracingGate{tr}
					e := newEngine(t, cfg)
					_, err := e.Lookup(withID(t.Context(), "x"), cedFound)
					wantClass(t, err, tc.class)
					if tc.key == "" && !strings.Contains(err.Error(), "PADRON_CAPTCHA_KEY") {
						t.Errorf("message %q does not say how to fix it", err)
					}
					if got := tr.of("x"); len(got) != 0 {
						t.Errorf("calls after a failed solve: %v, want none", got)
					}
					if e.pool.current() != nil {
						t.Errorf("a browser was launched for a lookup that never got a token")
					}
				})
			}
		}
	}
}

// keyUnreachable marks the case whose solver talks to a closed port.
const keyUnreachable = "unreachable"

// unreachableSolver is a captcha client for a loopback port nobody listens on.
func unreachableSolver(t *testing.T, api string) captcha.Solver {
	t.Helper()
	c, err := captcha.New(captcha.Config{API: api, BaseURL: "http://" + closedPort(t) + "/captcha", Key: "k", FirstPoll: time.Millisecond})
	if err != nil {
		t.Fatalf("captcha client: %v", err)
	}
	return c
}

// TestInvalidCedula checks a malformed number never reaches a service.
func TestInvalidCedula(t *testing.T) {
	e, err := New(Config{ChromiumPath: "/nonexistent"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.Lookup(t.Context(), "12a45")
	if _, ok := cedula.AsError(err); !ok || census.ClassOf(err) != nil {
		t.Fatalf("got %v, want an unclassified cedula validation error", err)
	}
	if err := e.Close(); err != nil {
		t.Fatalf("Close of an engine that never launched: %v", err)
	}
}

// TestCaptchaAPIs completes a found lookup with the captcha API each
// source does not use in TestLookupAgainstFakes.
func TestCaptchaAPIs(t *testing.T) {
	f := startFakes(t)
	for source, api := range map[census.Source]string{census.SourceWSP: captcha.APITask, census.SourceElecciones: captcha.APIClassic} {
		t.Run(string(source)+"/"+api, func(t *testing.T) {
			t.Parallel()
			key := fakecaptcha.KeyGood + "-apis-" + string(source)
			e := newEngine(t, f.config(t, source, f.solver(t, api, key)))
			res, err := e.Lookup(t.Context(), cedFound)
			if err != nil || res.Outcome != census.OutcomeFound {
				t.Fatalf("got %+v, %v; want found", res, err)
			}
			st := f.captcha.StatsFor(key)
			if len(st.Tasks) != 1 || st.Tasks[0].API != api || st.Tasks[0].UserAgent != UserAgentDefault ||
				!slices.Contains([]string{registrar.WSPSiteKey, registrar.EleccionesSiteKey}, st.Tasks[0].SiteKey) {
				t.Errorf("captcha tasks = %+v, want one %s task with the sitekey and our UA", st.Tasks, api)
			}
		})
	}
}

// TestLookupTimeout checks a site slower than LookupTimeout ends in
// ErrTimeout, with the waiting page as evidence.
func TestLookupTimeout(t *testing.T) {
	f := startFakes(t)
	for _, source := range sources {
		t.Run(string(source), func(t *testing.T) {
			t.Parallel()
			cfg := f.config(t, source, f.solver(t, captcha.APIClassic, fakecaptcha.KeyGood))
			// Shorter than the slow fixture's delay (8 s), long enough for
			// the first context of a cold Chromium in the warm-up lookup.
			cfg.LookupTimeout = 6 * time.Second
			e := newEngine(t, cfg)
			mustFind(t, e, cedFound) // launch the browser outside the measured lookup
			start := time.Now()
			_, err := e.Lookup(t.Context(), cedSlow)
			wantClass(t, err, census.ErrTimeout)
			checkEvidence(t, err, false)
			if took := time.Since(start); took > cfg.LookupTimeout+watchdogGrace {
				t.Errorf("took %s, want about the %s timeout", took, cfg.LookupTimeout)
			}
		})
	}
}

// slowGate holds every lookup for delay, as the pacer does with a long queue.
type slowGate struct{ delay atomic.Int64 }

func (g *slowGate) WaitAhead(ctx context.Context, l pacing.Lane, lead time.Duration) (*pacing.Ahead, error) {
	t := time.NewTimer(time.Duration(g.delay.Load()))
	defer t.Stop()
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-t.C:
		return (*pacing.Gate)(nil).WaitAhead(ctx, l, lead) // then at once
	}
}

// TestGateWaitOutsideLookupTimeout checks a pacing wait longer than
// LookupTimeout does not time the lookup out: the timeout is for the
// browser's work, and a long queue at the registrar's pace is not a fault.
func TestGateWaitOutsideLookupTimeout(t *testing.T) {
	f := startFakes(t)
	gate := &slowGate{}
	cfg := f.config(t, census.SourceWSP, f.solver(t, captcha.APIClassic, fakecaptcha.KeyGood))
	cfg.Gate = gate
	cfg.LookupTimeout = 3 * time.Second
	e := newEngine(t, cfg)
	mustFind(t, e, cedFound) // launch the browser with an open gate
	gate.delay.Store(int64(cfg.LookupTimeout + time.Second))
	start := time.Now()
	mustFind(t, e, "1036601234")
	if took := time.Since(start); took < cfg.LookupTimeout {
		t.Fatalf("took %s: the gate did not hold the lookup", took)
	}
}

// TestSiteProblems covers failures on the way to the form: the site down,
// the firewall refusing our browser, a redesigned page, another sitekey.
func TestSiteProblems(t *testing.T) {
	f := startFakes(t)
	closed := closedPort(t)
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		_, _ = io.WriteString(w, "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>")
	}))
	t.Cleanup(proxy.Close)
	cases := []struct {
		name     string
		mutate   func(*Config)
		class    error
		evidence bool
		message  string
	}{
		{"unreachable", func(c *Config) {
			c.WSPURL, c.EleccionesURL = "http://"+closed+"/censo/consultar/", "http://"+closed+"/identificacion"
		}, census.ErrTransient, false, "ERR_CONNECTION_REFUSED"},
		{"proxy error", func(c *Config) {
			c.WSPURL, c.EleccionesURL = proxy.URL+"/censo/consultar/", proxy.URL+"/identificacion"
		}, census.ErrTransient, true, "HTTP 502"},
		{"headless user agent", func(c *Config) {
			c.UserAgent = strings.Replace(UserAgentDefault, "Chrome/", "HeadlessChrome/", 1)
		}, census.ErrBlocked, true, "block page"},
		{"no form", func(c *Config) { c.WSPURL, c.EleccionesURL = f.reg.URL()+"/", f.reg.URL()+"/" }, census.ErrSiteChanged, true, "lacks"},
		{"other sitekey", func(c *Config) { c.SiteKey = "6LdOtherSiteKeyOtherSiteKeyOtherSiteKey0" }, census.ErrSiteChanged, true, "sitekey"},
	}
	for _, source := range sources {
		for _, tc := range cases {
			t.Run(string(source)+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				cfg := f.config(t, source, f.solver(t, captcha.APIClassic, fakecaptcha.KeyGood))
				tc.mutate(&cfg)
				e := newEngine(t, cfg)
				_, err := e.Lookup(t.Context(), cedFound)
				wantClass(t, err, tc.class)
				if !strings.Contains(err.Error(), tc.message) {
					t.Errorf("message %q does not mention %q", err, tc.message)
				}
				if tc.evidence {
					checkEvidence(t, err, false)
				}
			})
		}
	}
}

// closedPort returns a loopback address nobody listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}
