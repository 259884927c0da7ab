package config

import (
	"errors"
	"testing"
	"time"

	"github.com/padron/padron/captcha"
	"github.com/padron/padron/census"
)

// TestNewEngineWithoutKey checks a missing captcha key still builds an
// engine, whose checks then fail as captcha_config without any browser.
func TestNewEngineWithoutKey(t *testing.T) {
	t.Parallel()
	c := Default()
	c.ChromiumPath = "/nonexistent/chromium" // proves nothing is launched
	e, err := c.NewEngine(nil)
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
	c := Default()
	c.Source, c.RegistrarURL, c.BrowserPool, c.ChromiumPath = "elecciones", "http://127.0.0.1:1/censo/", 3, "/usr/bin/chromium"
	c.LookupTimeout = 7 * time.Second
	c.CaptchaAPI, c.CaptchaURL, c.CaptchaKey = "task", "http://127.0.0.1:1/captcha", "k"
	cfg, err := c.EngineConfig(nil)
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
	if _, err := c.NewEngine(nil); !errors.Is(err, captcha.ErrConfig) {
		t.Errorf("NewEngine with a bad captcha URL = %v, want captcha.ErrConfig", err)
	}
}
