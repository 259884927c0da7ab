package scraper

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/padron/padron/captcha"
	"github.com/padron/padron/census"
	"github.com/padron/padron/fakecaptcha"
	"github.com/padron/padron/registrar"
)

// TestLookupAgainstFakes drives every outcome and site-side error class
// through a real Chromium, for both sites, with one shared engine per site.
func TestLookupAgainstFakes(t *testing.T) {
	f := startFakes(t)
	cases := []struct {
		cedula  string
		outcome census.Outcome
		class   error
		// evidence: a failure that reached the page must carry it.
		evidence bool
	}{
		{cedula: cedFound, outcome: census.OutcomeFound},
		{cedula: cedNotFound, outcome: census.OutcomeNotFound},
		{cedula: cedDeceased, outcome: census.OutcomeCancelledDeceased},
		{cedula: cedOther, outcome: census.OutcomeCancelledOther},
		{cedula: cedBlocked, class: census.ErrBlocked, evidence: true},
		{cedula: cedBlock500, class: census.ErrBlocked, evidence: true},
		{cedula: cedBroken, class: census.ErrSiteChanged, evidence: true},
		{cedula: cedTransient, class: census.ErrTransient, evidence: true},
		{cedula: cedReload, class: census.ErrTransient, evidence: true},
		{cedula: cedRejected, class: census.ErrCaptcha, evidence: true},
	}
	// wsp asks through the classic captcha API, elecciones through the task
	// API; TestCaptchaAPIs covers the other pairings.
	for _, src := range []struct {
		source census.Source
		api    string
	}{{census.SourceWSP, captcha.APIClassic}, {census.SourceElecciones, captcha.APITask}} {
		key := fakecaptcha.KeyGood + "-" + string(src.source)
		tr := newTrace()
		cfg := f.config(t, src.source, tracingSolver{f.solver(t, src.api, key), tr})
		cfg.Gate = tracingGate{tr}
		e := newEngine(t, cfg)

		t.Run(string(src.source), func(t *testing.T) {
			for _, tc := range cases {
				t.Run(tc.cedula, func(t *testing.T) {
					t.Parallel()
					id := string(src.source) + tc.cedula
					res, err := e.Lookup(withID(t.Context(), id), tc.cedula)
					// Tokens are solved by the engine's pipeline, not on the
					// lookup's own context: the lookup only waits at the gate,
					// once for its page load and once for its form post (the
					// fake answers every case to the post).
					if got := tr.of(id); !slices.Equal(got, []string{"gate:page", "gate:post"}) {
						t.Errorf("gate calls = %v, want [gate:page gate:post]", got)
					}
					if tc.class != nil {
						wantClass(t, err, tc.class)
						checkEvidence(t, err, true)
						return
					}
					if err != nil {
						t.Fatalf("Lookup: %v", err)
					}
					want := f.reg.Fixture(tc.cedula)
					if res.Outcome != tc.outcome || res.Cedula != tc.cedula || res.Source != src.source || res.Raw == "" {
						t.Fatalf("got %+v, want outcome %s for %s from %s with its raw answer", res, tc.outcome, tc.cedula, src.source)
					}
					switch tc.outcome {
					case census.OutcomeFound:
						if res.Departamento != want.Departamento || res.Municipio != want.Municipio ||
							res.Puesto != want.Puesto || res.Mesa != want.Mesa || res.Direccion != want.Direccion {
							t.Errorf("location %+v, want %+v", res, want)
						}
					case census.OutcomeCancelledDeceased, census.OutcomeCancelledOther:
						if res.Novedad != want.Novedad || res.Resolucion != want.Resolucion {
							t.Errorf("novedad %q %q, want %q %q", res.Novedad, res.Resolucion, want.Novedad, want.Resolucion)
						}
					}
					if res.Duration <= 0 {
						t.Errorf("Duration not set")
					}
				})
			}
		})
		// Without a demand signal the pipeline buys one token per lookup.
		if solves := len(tr.of("")); solves != len(cases) {
			t.Errorf("%s: %d tokens solved for %d lookups, want one each", src.source, solves, len(cases))
		}
		rejected := 0
		for _, rec := range f.reg.Lookups() {
			if rec.Source == string(src.source) && rec.Cedula == cedRejected {
				rejected++
			}
		}
		if reported := len(f.captcha.StatsFor(key).ReportedBad); reported != rejected || rejected == 0 {
			t.Errorf("%s: %d tokens reported bad, want one per rejected lookup (%d)", src.source, reported, rejected)
		}
	}
}

// TestLookupCancelled checks a caller's cancellation ends a lookup stuck
// on a slow site promptly, with a plain context.Canceled.
func TestLookupCancelled(t *testing.T) {
	f := startFakes(t)
	e := newEngine(t, f.config(t, census.SourceWSP, f.solver(t, captcha.APIClassic, fakecaptcha.KeyGood)))
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		_, err := e.Lookup(ctx, cedSlow)
		done <- err
	}()
	waitFor(t, 20*time.Second, "the slow lookup to reach the site", func() bool {
		for _, rec := range f.reg.Lookups() {
			if rec.Cedula == cedSlow {
				return true
			}
		}
		return false
	})
	cancelled := time.Now()
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) || census.ClassOf(err) != nil {
			t.Fatalf("got %v (class %v), want a plain context.Canceled", err, census.ClassOf(err))
		}
		t.Logf("returned %s after cancel", time.Since(cancelled).Round(time.Millisecond))
	case <-time.After(5 * time.Second):
		t.Fatal("lookup still running 5 s after its context was cancelled")
	}
}

// waitFor polls cond until it holds or timeout passes.
func waitFor(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(10 * time.Millisecond) // polling a condition, not synchronising
	}
}

// TestNativeFormPost checks the answer is still read when the form posts
// itself (no script listening), arriving as a document instead of AJAX.
func TestNativeFormPost(t *testing.T) {
	const answer = `{"success":true,"data":{"message":"<table id=\"consulta\"><thead><tr><th>NUIP</th><th>DEPARTAMENTO</th><th>MUNICIPIO</th><th>PUESTO</th><th>DIRECCIÓN</th><th>MESA</th></tr></thead><tbody><tr><td data-th=\"NUIP\">1020304050</td><td data-th=\"DEPARTAMENTO\">NARIÑO</td><td data-th=\"MUNICIPIO\">PASTO</td><td data-th=\"PUESTO\">COLEGIO JAVERIANO</td><td data-th=\"DIRECCIÓN\">CL 18 # 29 - 73</td><td data-th=\"MESA\"><b>9</b></td></tr></tbody></table>"}}`
	const form = `<!DOCTYPE html><html><body><form method="post" enctype="multipart/form-data">
<input id="nuip" name="nuip"><select id="tipo" name="tipo"><option value="-1">ACTUAL</option></select>
<input type="hidden" id="token" name="token" value="n">
<div class="g-recaptcha" data-sitekey="` + registrar.WSPSiteKey + `"><textarea id="g-recaptcha-response" name="g-recaptcha-response"></textarea></div>
<input type="submit" id="enviar" value="Consultar"></form></body></html>`
	var posted atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			posted.Store(r.FormValue("nuip") + "|" + r.FormValue("g-recaptcha-response"))
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, answer)
			return
		}
		_, _ = io.WriteString(w, form)
	}))
	defer srv.Close()
	f := startFakes(t)
	cfg := f.config(t, census.SourceWSP, f.solver(t, captcha.APIClassic, fakecaptcha.KeyGood))
	cfg.WSPURL = srv.URL + "/censo/consultar/"
	e := newEngine(t, cfg)
	res, err := e.Lookup(t.Context(), cedFound)
	if err != nil || res.Outcome != census.OutcomeFound || res.Mesa != "9" {
		t.Fatalf("got %+v, %v; want found at mesa 9", res, err)
	}
	if p, _ := posted.Load().(string); !strings.HasPrefix(p, cedFound+"|"+fakecaptcha.TokenPrefix) {
		t.Errorf("site received %q, want the cedula and a token", p)
	}
}
