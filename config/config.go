// Package config gathers Padrón's settings from flags and PADRON_* environment
// variables, so one binary runs the same way on a laptop, in Docker and in CI.
//
// Precedence: a flag given on the command line wins over its environment
// variable, which wins over the default documented on each field.
package config

import (
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"
)

// Config is every Padrón setting beyond PocketBase's own (--dir, --http, ...).
type Config struct {
	// Source is the registrar site to ask: "wsp" (legacy census page) or
	// "elecciones" (2026 site). Default "wsp". Env PADRON_SOURCE.
	Source string
	// RegistrarURL is the legacy census page. Default
	// https://wsp.registraduria.gov.co/censo/consultar/. Env PADRON_REGISTRAR_URL.
	RegistrarURL string
	// EleccionesURL is the 2026 lookup page. Default
	// https://eleccionescolombia.registraduria.gov.co/identificacion.
	// Env PADRON_ELECCIONES_URL.
	EleccionesURL string
	// EleccionesAPIURL is the 2026 site's JSON endpoint. Default
	// https://apiweb-eleccionescolombia.infovotantes.com/api/v1/citizen/get-information.
	// Env PADRON_ELECCIONES_API_URL.
	EleccionesAPIURL string

	// CaptchaAPI is the captcha protocol: "classic" (2captcha in.php/res.php)
	// or "task" (createTask/getTaskResult). Default "classic". Env PADRON_CAPTCHA_API.
	CaptchaAPI string
	// CaptchaURL is the captcha service's base URL. Default depends on
	// CaptchaAPI: https://2captcha.com or https://api.2captcha.com.
	// Env PADRON_CAPTCHA_URL.
	CaptchaURL string
	// CaptchaKey is the captcha service's API key. No default: without it
	// census checks fail with a configuration error. Env PADRON_CAPTCHA_KEY.
	CaptchaKey string

	// CaptchaFirstPoll and CaptchaPollInterval follow the services' advice:
	// ask for the token 15s after submitting, then every 5s. Env
	// PADRON_CAPTCHA_FIRST_POLL, PADRON_CAPTCHA_POLL_INTERVAL.
	CaptchaFirstPoll    time.Duration
	CaptchaPollInterval time.Duration

	// ChromiumPath is the browser binary. Default: the first chromium/chrome
	// found on the PATH. Env PADRON_CHROMIUM.
	ChromiumPath string
	// BrowserPool is how many lookups share the browser at once. Default 2
	// (two cores run 2–4 usefully). Env PADRON_BROWSER_POOL.
	BrowserPool int

	// Worker turns the background census worker on. Default true.
	// Env PADRON_WORKER.
	Worker bool
	// Concurrency is how many checks the worker runs at once. Default 2.
	// Env PADRON_CONCURRENCY.
	Concurrency int
	// Pacing is the minimum gap between two lookups on the registrar.
	// Default 5s. Env PADRON_PACING.
	Pacing time.Duration
	// PacingJitter is the random extra added to each gap. Default 1s.
	// Env PADRON_PACING_JITTER.
	PacingJitter time.Duration
	// RetryDelays are the waits before the 2nd, 3rd, ... attempt of a
	// transient failure; MaxAttempts counts the first one too. Defaults
	// 1m,5m,15m and 3. Env PADRON_RETRY_DELAYS, PADRON_MAX_ATTEMPTS.
	RetryDelays []time.Duration
	MaxAttempts int
	// BreakerThreshold is how many consecutive blocks open the block breaker.
	// Default 3. Env PADRON_BREAKER_THRESHOLD.
	BreakerThreshold int
	// BreakerCooloff is the first pause after the breaker opens; it doubles on
	// each repeated trip up to BreakerMaxCooloff. Defaults 5m and 1h.
	// Env PADRON_BREAKER_COOLOFF, PADRON_BREAKER_MAX_COOLOFF.
	BreakerCooloff    time.Duration
	BreakerMaxCooloff time.Duration
	// AttemptRetention is how long attempt history is kept. Default 720h
	// (30 days). Env PADRON_ATTEMPT_RETENTION.
	AttemptRetention time.Duration
	// RevalidateAfter is the age at which a final answer is checked again.
	// Default 720h (30 days); 0 turns revalidation off.
	// Env PADRON_REVALIDATE_AFTER.
	RevalidateAfter time.Duration
	// PublicDir is the static frontend served at /. Default "pb_public"
	// (relative to the working directory). Env PADRON_PUBLIC_DIR.
	PublicDir string

	// RefreshCooldown is the minimum time between two checks of one record
	// requested through the API. Default 30s. Env PADRON_REFRESH_COOLDOWN.
	RefreshCooldown time.Duration
}

// Default returns the settings used when nothing is configured.
func Default() Config {
	return Config{
		Source:              "wsp",
		RegistrarURL:        "https://wsp.registraduria.gov.co/censo/consultar/",
		EleccionesURL:       "https://eleccionescolombia.registraduria.gov.co/identificacion",
		EleccionesAPIURL:    "https://apiweb-eleccionescolombia.infovotantes.com/api/v1/citizen/get-information",
		CaptchaAPI:          "classic",
		CaptchaFirstPoll:    15 * time.Second,
		CaptchaPollInterval: 5 * time.Second,
		BrowserPool:         2,
		Worker:              true,
		Concurrency:         2,
		Pacing:              5 * time.Second,
		PacingJitter:        time.Second,
		RetryDelays:         []time.Duration{time.Minute, 5 * time.Minute, 15 * time.Minute},
		MaxAttempts:         3,
		BreakerThreshold:    3,
		BreakerCooloff:      5 * time.Minute,
		BreakerMaxCooloff:   time.Hour,
		AttemptRetention:    30 * 24 * time.Hour,
		RevalidateAfter:     30 * 24 * time.Hour,
		RefreshCooldown:     30 * time.Second,
		PublicDir:           "pb_public",
	}
}

// Bind registers every setting as a flag on fs, with its environment
// variable (looked up through getenv) as the flag's default.
func (c *Config) Bind(fs *pflag.FlagSet, getenv func(string) string) {
	d := *c
	str := func(p *string, name, env, def, usage string) {
		if v := getenv(env); v != "" {
			def = v
		}
		fs.StringVar(p, name, def, usage+" (env "+env+")")
	}
	integer := func(p *int, name, env string, def int, usage string) {
		if v, err := strconv.Atoi(getenv(env)); err == nil {
			def = v
		}
		fs.IntVar(p, name, def, usage+" (env "+env+")")
	}
	dur := func(p *time.Duration, name, env string, def time.Duration, usage string) {
		if v, err := time.ParseDuration(getenv(env)); err == nil {
			def = v
		}
		fs.DurationVar(p, name, def, usage+" (env "+env+")")
	}
	boolean := func(p *bool, name, env string, def bool, usage string) {
		if v, err := strconv.ParseBool(getenv(env)); err == nil {
			def = v
		}
		fs.BoolVar(p, name, def, usage+" (env "+env+")")
	}

	str(&c.Source, "source", "PADRON_SOURCE", d.Source, "registrar site: wsp or elecciones")
	str(&c.RegistrarURL, "registrar-url", "PADRON_REGISTRAR_URL", d.RegistrarURL, "legacy census page URL")
	str(&c.EleccionesURL, "elecciones-url", "PADRON_ELECCIONES_URL", d.EleccionesURL, "2026 lookup page URL")
	str(&c.EleccionesAPIURL, "elecciones-api-url", "PADRON_ELECCIONES_API_URL", d.EleccionesAPIURL, "2026 lookup API URL")
	str(&c.CaptchaAPI, "captcha-api", "PADRON_CAPTCHA_API", d.CaptchaAPI, "captcha protocol: classic or task")
	str(&c.CaptchaURL, "captcha-url", "PADRON_CAPTCHA_URL", d.CaptchaURL, "captcha service base URL (default by protocol)")
	str(&c.CaptchaKey, "captcha-key", "PADRON_CAPTCHA_KEY", d.CaptchaKey, "captcha service API key")
	dur(&c.CaptchaFirstPoll, "captcha-first-poll", "PADRON_CAPTCHA_FIRST_POLL", d.CaptchaFirstPoll, "wait before the first captcha poll")
	dur(&c.CaptchaPollInterval, "captcha-poll-interval", "PADRON_CAPTCHA_POLL_INTERVAL", d.CaptchaPollInterval, "wait between captcha polls")
	str(&c.ChromiumPath, "chromium", "PADRON_CHROMIUM", d.ChromiumPath, "Chromium binary (default: found on PATH)")
	integer(&c.BrowserPool, "browser-pool", "PADRON_BROWSER_POOL", d.BrowserPool, "lookups sharing the browser at once")
	boolean(&c.Worker, "worker", "PADRON_WORKER", d.Worker, "run the background census worker")
	integer(&c.Concurrency, "concurrency", "PADRON_CONCURRENCY", d.Concurrency, "census checks run at once")
	dur(&c.Pacing, "pacing", "PADRON_PACING", d.Pacing, "minimum gap between lookups on the registrar")
	dur(&c.PacingJitter, "pacing-jitter", "PADRON_PACING_JITTER", d.PacingJitter, "random extra per gap")
	retry := durationsString(d.RetryDelays)
	if v := getenv("PADRON_RETRY_DELAYS"); v != "" {
		retry = v
	}
	fs.Var(&durationsValue{p: &c.RetryDelays, s: retry}, "retry-delays", "waits before each retry, comma separated (env PADRON_RETRY_DELAYS)")
	c.RetryDelays, _ = parseDurations(retry)
	integer(&c.MaxAttempts, "max-attempts", "PADRON_MAX_ATTEMPTS", d.MaxAttempts, "attempts per check, the first included")
	integer(&c.BreakerThreshold, "breaker-threshold", "PADRON_BREAKER_THRESHOLD", d.BreakerThreshold, "consecutive blocks that open the breaker")
	dur(&c.BreakerCooloff, "breaker-cooloff", "PADRON_BREAKER_COOLOFF", d.BreakerCooloff, "first pause after the breaker opens")
	dur(&c.BreakerMaxCooloff, "breaker-max-cooloff", "PADRON_BREAKER_MAX_COOLOFF", d.BreakerMaxCooloff, "longest breaker pause")
	dur(&c.AttemptRetention, "attempt-retention", "PADRON_ATTEMPT_RETENTION", d.AttemptRetention, "how long attempt history is kept")
	dur(&c.RevalidateAfter, "revalidate-after", "PADRON_REVALIDATE_AFTER", d.RevalidateAfter, "age at which answers are checked again (0: never)")
	str(&c.PublicDir, "public-dir", "PADRON_PUBLIC_DIR", d.PublicDir, "static frontend directory served at /")
	dur(&c.RefreshCooldown, "refresh-cooldown", "PADRON_REFRESH_COOLDOWN", d.RefreshCooldown, "minimum time between API-requested checks of one record")
}

// FromEnv returns the defaults overridden by PADRON_* variables; handy for
// code paths that have no command line (tests, embedding).
func FromEnv(getenv func(string) string) Config {
	c := Default()
	c.Bind(pflag.NewFlagSet("env", pflag.ContinueOnError), getenv)
	return c
}

// Validate reports settings that cannot work at all.
func (c *Config) Validate() error {
	var problems []string
	if c.Source != "wsp" && c.Source != "elecciones" {
		problems = append(problems, fmt.Sprintf("source %q: want wsp or elecciones", c.Source))
	}
	if c.CaptchaAPI != "classic" && c.CaptchaAPI != "task" {
		problems = append(problems, fmt.Sprintf("captcha-api %q: want classic or task", c.CaptchaAPI))
	}
	if c.Concurrency < 1 || c.BrowserPool < 1 {
		problems = append(problems, "concurrency and browser-pool must be at least 1")
	}
	if c.MaxAttempts < 1 {
		problems = append(problems, "max-attempts must be at least 1")
	}
	if c.Pacing < 0 || c.PacingJitter < 0 {
		problems = append(problems, "pacing and pacing-jitter cannot be negative")
	}
	if len(problems) > 0 {
		return fmt.Errorf("invalid configuration: %s", strings.Join(problems, "; "))
	}
	return nil
}

// Warnings lists what is missing for census checks to succeed, so the
// operator sees it at startup instead of in every failed check.
func (c *Config) Warnings(lookPath func(string) (string, error)) []string {
	var w []string
	if c.CaptchaKey == "" {
		w = append(w, "PADRON_CAPTCHA_KEY is not set: census checks will end in error until a captcha key is configured")
	}
	if c.ChromiumPath != "" {
		if _, err := os.Stat(c.ChromiumPath); err != nil {
			w = append(w, fmt.Sprintf("chromium %q not found: census checks cannot run", c.ChromiumPath))
		}
	} else if !chromiumOnPath(lookPath) {
		w = append(w, "no chromium on PATH (install Debian's chromium or set PADRON_CHROMIUM): census checks cannot run")
	}
	return w
}

// LogWarnings writes each warning once at startup.
func (c *Config) LogWarnings(logger *slog.Logger, lookPath func(string) (string, error)) {
	for _, w := range c.Warnings(lookPath) {
		logger.Warn(w)
	}
}

func chromiumOnPath(lookPath func(string) (string, error)) bool {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "chrome"} {
		if _, err := lookPath(name); err == nil {
			return true
		}
	}
	return false
}
