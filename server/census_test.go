package server

import (
	"errors"
	"testing"
	"time"

	"github.com/padron/padron/captcha"
	"github.com/padron/padron/census"
	"github.com/padron/padron/config"
	"github.com/padron/padron/worker"
)

// TestNewEngineWithoutKey checks a missing captcha key still builds an
// engine, whose checks then fail as captcha_config without any browser.
func TestNewEngineWithoutKey(t *testing.T) {
	t.Parallel()
	c := config.Default()
	c.ChromiumPath = "/nonexistent/chromium" // proves nothing is launched
	e, err := NewEngine(&c, nil)
	if err != nil {
		t.Fatalf("NewEngine: %v", err)
	}
	defer e.Close()
	_, err = e.Lookup(t.Context(), "1020304050")
	if !errors.Is(err, census.ErrCaptchaConfig) {
		t.Fatalf("Lookup = %v, want captcha_config", err)
	}
}

// TestEngineConfig checks the settings reach the scraper and the captcha
// client, and that an unusable captcha URL is refused up front.
func TestEngineConfig(t *testing.T) {
	t.Parallel()
	c := config.Default()
	c.Source, c.RegistrarURL, c.BrowserPool, c.ChromiumPath = "elecciones", "http://127.0.0.1:1/censo/", 3, "/usr/bin/chromium"
	c.LookupTimeout = 7 * time.Second
	c.CaptchaAPI, c.CaptchaURL, c.CaptchaKey = "task", "http://127.0.0.1:1/captcha", "k"
	cfg, err := EngineConfig(&c, nil)
	if err != nil {
		t.Fatalf("EngineConfig: %v", err)
	}
	if cfg.Source != census.SourceElecciones || cfg.WSPURL != c.RegistrarURL || cfg.EleccionesURL != c.EleccionesURL ||
		cfg.EleccionesAPIURL != c.EleccionesAPIURL || cfg.PoolSize != 3 || cfg.ChromiumPath != c.ChromiumPath ||
		cfg.LookupTimeout != 7*time.Second {
		t.Errorf("scraper config %+v does not carry the settings", cfg)
	}
	if _, ok := cfg.Solver.(*captcha.TaskAPI); !ok {
		t.Errorf("solver is %T, want the task API client", cfg.Solver)
	}

	c.CaptchaURL = "not a url"
	if _, err := NewEngine(&c, nil); !errors.Is(err, captcha.ErrConfig) {
		t.Errorf("NewEngine with a bad captcha URL = %v, want captcha.ErrConfig", err)
	}
}

// TestWorkerConfig checks the settings reach the worker as a Config its
// own Validate accepts, and that --revalidate-after 0 ("never") reaches it
// as the explicit worker.RevalidateOff, not as a zero it reads as default.
func TestWorkerConfig(t *testing.T) {
	t.Parallel()
	c := config.Default()
	wc := WorkerConfig(&c, nil)
	if err := wc.Validate(); err != nil {
		t.Fatalf("defaults: worker refuses %+v: %v", wc, err)
	}
	if wc.RevalidateAfter != worker.RevalidateAfterDefault || wc.Concurrency != c.Concurrency || wc.Tick != c.WorkerTick {
		t.Errorf("worker config %+v does not carry the settings", wc)
	}
	c.RevalidateAfter = 0
	if got := WorkerConfig(&c, nil).RevalidateAfter; got != worker.RevalidateOff {
		t.Errorf("revalidate-after 0 reaches the worker as %v, want worker.RevalidateOff", got)
	}
}
