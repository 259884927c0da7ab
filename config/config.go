// Package config gathers Padrón's settings from flags and PADRON_* environment
// variables, so one binary runs the same way on a laptop, in Docker and in CI.
// It is a leaf: it builds nothing (package server does) and links no browser.
//
// Precedence: a flag given on the command line wins over its environment
// variable, which wins over the default documented on each field. Defaults
// and ranges are the packages' own constants (worker, registrar, captcha,
// tokens, routes), whose constructors check the same ranges, so each is
// written once. A value that does not parse or is out of range is an error
// (*SettingError) naming the flag or variable, never silently replaced.
package config

import (
	"fmt"
	"os"
	"time"

	"github.com/padron/padron/backups"
	"github.com/padron/padron/captcha"
	"github.com/padron/padron/census"
	"github.com/padron/padron/metrics"
	"github.com/padron/padron/pacing"
	"github.com/padron/padron/realtimeguard"
	"github.com/padron/padron/registrar"
	"github.com/padron/padron/routes"
	"github.com/padron/padron/tokens"
	"github.com/padron/padron/worker"
)

// Config is every Padrón setting beyond PocketBase's own (--dir, --http, ...),
// each field holding the value as the operator gives it (Default fills them
// all, so no zero stands for a default here). The accepted values of each
// are in settings.go (and the README's table).
type Config struct {
	// Source is the registrar site to ask: "wsp" (legacy census page) or
	// "elecciones" (2026 site). Default census.SourceWSP ("wsp").
	// Env PADRON_SOURCE.
	Source string
	// RegistrarURL is the legacy census page, an http(s) URL. Default
	// registrar.WSPURL. Env PADRON_REGISTRAR_URL.
	RegistrarURL string
	// EleccionesURL is the 2026 lookup page, an http(s) URL. Default
	// registrar.EleccionesURL. Env PADRON_ELECCIONES_URL.
	EleccionesURL string
	// EleccionesAPIURL is the 2026 site's JSON endpoint, an http(s) URL.
	// Default registrar.EleccionesAPIURL. Env PADRON_ELECCIONES_API_URL.
	EleccionesAPIURL string
	// LookupTimeout bounds the browser part of one lookup, 1s to 10m
	// (registrar.LookupTimeoutMin/Max). Default registrar.LookupTimeoutDefault
	// (45s). Env PADRON_LOOKUP_TIMEOUT.
	LookupTimeout time.Duration

	// CaptchaAPI is the captcha protocol: "classic" (2captcha in.php/res.php)
	// or "task" (createTask/getTaskResult). Default captcha.APIDefault
	// ("classic"). Env PADRON_CAPTCHA_API.
	CaptchaAPI string
	// CaptchaURL is the captcha service's base URL, an http(s) URL without
	// a query. Default "": captcha.DefaultBaseURL(CaptchaAPI), that is
	// https://2captcha.com or https://api.2captcha.com. Env PADRON_CAPTCHA_URL.
	CaptchaURL string
	// CaptchaKey is the captcha service's API key. No default: without it
	// census checks fail with a configuration error. Env PADRON_CAPTCHA_KEY.
	CaptchaKey string

	// CaptchaFirstPoll and CaptchaPollInterval follow the services' advice:
	// ask for the token captcha.FirstPollDefault (15s) after submitting, then
	// every captcha.PollIntervalDefault (5s); at least 1ms, at most 2m and 1m.
	// Env PADRON_CAPTCHA_FIRST_POLL, PADRON_CAPTCHA_POLL_INTERVAL.
	CaptchaFirstPoll    time.Duration
	CaptchaPollInterval time.Duration
	// CaptchaMaxAhead bounds the captcha tokens bought ahead of need
	// (solving or ready), 1 to 256; within it the pipeline keeps
	// solve time / pacing + 1, and only for checks running or due. Default
	// tokens.MaxDefault (16: enough for solves 15 times the pacing).
	// Env PADRON_CAPTCHA_MAX_AHEAD.
	CaptchaMaxAhead int

	// ChromiumPath is the browser binary. Default "": the first
	// chromium/chrome found on the PATH. Env PADRON_CHROMIUM.
	ChromiumPath string
	// BrowserPool is how many lookups share the browser at once, 1 to 64.
	// Default registrar.PoolSizeDefault (2: two cores run 2–4 usefully).
	// Env PADRON_BROWSER_POOL.
	BrowserPool int

	// Worker turns the background census worker on. Default true.
	// Env PADRON_WORKER.
	Worker bool
	// Concurrency is how many checks the worker runs at once, 1 to 64.
	// Default worker.ConcurrencyDefault (2). Env PADRON_CONCURRENCY.
	Concurrency int
	// WorkerTick is how often the worker looks for retries that came due and
	// leases that expired, 10ms to 24h; new work wakes it at once anyway.
	// Default worker.TickDefault (2s). Env PADRON_WORKER_TICK.
	WorkerTick time.Duration
	// Pacing is the registrar's pacing, owned by package pacing: Gap is the
	// minimum gap between two page loads and between two form posts on the
	// registrar, Jitter the random extra added to each, both 0 or more.
	// Default pacing.Default() (5s plus up to 1s). Env PADRON_PACING,
	// PADRON_PACING_JITTER.
	Pacing pacing.Config
	// RetryDelays are the waits before the 2nd, 3rd, ... attempt of a
	// transient failure, at least one, each 0 or more; MaxAttempts (1 to
	// 100) counts the first one too. Defaults worker.RetryDelaysDefault()
	// (1m,5m,15m) and worker.MaxAttemptsDefault (3).
	// Env PADRON_RETRY_DELAYS, PADRON_MAX_ATTEMPTS.
	RetryDelays []time.Duration
	MaxAttempts int
	// BreakerThreshold is how many consecutive blocks open the block
	// breaker, 1 to 100. Default worker.BreakerThresholdDefault (3).
	// Env PADRON_BREAKER_THRESHOLD.
	BreakerThreshold int
	// BreakerCooloff is the first pause after the breaker opens, at least 1s;
	// it doubles on each repeated trip up to BreakerMaxCooloff, which is not
	// less than it. Defaults worker.BreakerCooloffDefault (5m) and
	// worker.BreakerMaxCooloffDefault (1h).
	// Env PADRON_BREAKER_COOLOFF, PADRON_BREAKER_MAX_COOLOFF.
	BreakerCooloff    time.Duration
	BreakerMaxCooloff time.Duration
	// AttemptRetention is how long attempt history is kept, at least 1h.
	// Default worker.AttemptRetentionDefault (720h, 30 days).
	// Env PADRON_ATTEMPT_RETENTION.
	AttemptRetention time.Duration
	// RevalidateAfter is the age at which a final answer is checked again,
	// at least 1h; 0 (as on the command line) turns revalidation off, and
	// reaches the worker as worker.RevalidateOff. Default
	// worker.RevalidateAfterDefault (720h, 30 days). Env PADRON_REVALIDATE_AFTER.
	RevalidateAfter time.Duration
	// Broker is where census checks go to lookup agents (padron agent):
	// empty runs them in this process, BrokerEmbedded starts a NATS server
	// with JetStream inside this one (its store under the data directory),
	// nats:// or tls:// URLs (comma-separated for a cluster) use an existing
	// one. On an agent: the broker's URL. Default empty. Env PADRON_BROKER.
	Broker string
	// BrokerListen is where the embedded broker listens for agents,
	// host:port. Default BrokerListenDefault (127.0.0.1:4222).
	// Env PADRON_BROKER_LISTEN.
	BrokerListen string
	// BrokerTLSCert and BrokerTLSKey are PEM files that put the embedded
	// broker's listener behind TLS, both or neither. Default empty (no TLS).
	// Env PADRON_BROKER_TLS_CERT, PADRON_BROKER_TLS_KEY.
	BrokerTLSCert string
	BrokerTLSKey  string
	// BrokerCreds is a NATS credentials file (.creds) for an external
	// broker, on the server and on agents. Default empty. Env PADRON_BROKER_CREDS.
	BrokerCreds string
	// AgentKey is an agent's credential for the embedded broker, the line
	// padron agent-key create printed. Default empty. Env PADRON_AGENT_KEY.
	AgentKey string

	// PublicDir is the static frontend served at /, not empty. Default
	// "pb_public" (relative to the working directory). Env PADRON_PUBLIC_DIR.
	PublicDir string

	// RefreshCooldown is the minimum time between two checks of one record
	// requested through the API, 1s to 24h. Default
	// routes.RefreshCooldownDefault (30s). Env PADRON_REFRESH_COOLDOWN.
	RefreshCooldown time.Duration
	// RefreshDailyLimit is how many times a day a member may ask for a new
	// check of their own record, 1 to 1000. Default
	// routes.RefreshDailyLimitDefault (5). Env PADRON_REFRESH_DAILY_LIMIT.
	RefreshDailyLimit int

	// RealtimeMaxSubscriptions is how many topics one realtime connection
	// may hold, 1 to 1000. Default realtimeguard.MaxSubscriptionsDefault
	// (50). Env PADRON_REALTIME_MAX_SUBSCRIPTIONS.
	RealtimeMaxSubscriptions int
	// RealtimeMaxPerIP is how many realtime connections one address may keep
	// open, 1 to 100000. Default realtimeguard.MaxPerIPDefault (100).
	// Env PADRON_REALTIME_MAX_PER_IP.
	RealtimeMaxPerIP int
	// RealtimeMaxPerUser is how many connections of one account may hold
	// subscriptions, 1 to 1000. Default realtimeguard.MaxPerUserDefault (10).
	// Env PADRON_REALTIME_MAX_PER_USER.
	RealtimeMaxPerUser int

	// BackupCron is when PocketBase's scheduled backups run, a cron
	// expression in UTC, written into the backup settings at every start;
	// "off" (or an empty flag) turns them off, with a warning at start.
	// Default backups.CronDefault ("0 8 * * *": 03:00 in Colombia).
	// Env PADRON_BACKUP_CRON.
	BackupCron string
	// BackupKeep is how many scheduled backups are kept, 1 to 1000.
	// Default backups.KeepDefault (14). Env PADRON_BACKUP_KEEP.
	BackupKeep int
	// MetricsAllow is the addresses that may read /metrics without signing
	// in (superusers always may): IPs and CIDRs separated by commas, or
	// "none". Default metrics.AllowDefault (loopback). Env PADRON_METRICS_ALLOW.
	MetricsAllow string
	// workerSet says the operator set Worker (flag or variable): with a
	// broker, only an explicit PADRON_WORKER=true makes the server look up too.
	workerSet bool

	// envErr is the first PADRON_* value Bind could not use; Validate
	// reports it, so a bad variable is never silently replaced.
	envErr error
}

// BrokerEmbedded is the Broker value that runs NATS inside the server.
const BrokerEmbedded = "embedded"

// BrokerListenDefault is where the embedded broker listens: loopback, so
// nothing is exposed until the operator says so.
const BrokerListenDefault = "127.0.0.1:4222"

// LooksUp reports whether this server runs census lookups itself: when
// Worker is on and there is no broker; with a broker, only when the
// operator asked with an explicit PADRON_WORKER=true (--worker=true).
func (c *Config) LooksUp() bool {
	if c.Broker == "" {
		return c.Worker
	}
	return c.Worker && c.workerSet
}

// DefaultPublicDir is where the static frontend is looked for, relative to
// the working directory, as PocketBase itself does.
const DefaultPublicDir = "pb_public"

// Default returns the settings used when nothing is configured: the
// packages' own defaults.
func Default() Config {
	return Config{
		Source:              string(census.SourceWSP),
		RegistrarURL:        registrar.WSPURL,
		EleccionesURL:       registrar.EleccionesURL,
		EleccionesAPIURL:    registrar.EleccionesAPIURL,
		LookupTimeout:       registrar.LookupTimeoutDefault,
		CaptchaAPI:          captcha.APIDefault,
		CaptchaFirstPoll:    captcha.FirstPollDefault,
		CaptchaPollInterval: captcha.PollIntervalDefault,
		CaptchaMaxAhead:     tokens.MaxDefault,
		BrowserPool:         registrar.PoolSizeDefault,
		Worker:              true,
		Concurrency:         worker.ConcurrencyDefault,
		WorkerTick:          worker.TickDefault,
		Pacing:              pacing.Default(),
		RetryDelays:         worker.RetryDelaysDefault(),
		MaxAttempts:         worker.MaxAttemptsDefault,
		BreakerThreshold:    worker.BreakerThresholdDefault,
		BreakerCooloff:      worker.BreakerCooloffDefault,
		BreakerMaxCooloff:   worker.BreakerMaxCooloffDefault,
		AttemptRetention:    worker.AttemptRetentionDefault,
		RevalidateAfter:     worker.RevalidateAfterDefault,
		RefreshCooldown:     routes.RefreshCooldownDefault,
		RefreshDailyLimit:   routes.RefreshDailyLimitDefault,
		PublicDir:           DefaultPublicDir,
		BackupCron:          backups.CronDefault,
		BackupKeep:          backups.KeepDefault,
		MetricsAllow:        metrics.AllowDefault,
		BrokerListen:        BrokerListenDefault,

		RealtimeMaxSubscriptions: realtimeguard.MaxSubscriptionsDefault,
		RealtimeMaxPerIP:         realtimeguard.MaxPerIPDefault,
		RealtimeMaxPerUser:       realtimeguard.MaxPerUserDefault,
	}
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

func chromiumOnPath(lookPath func(string) (string, error)) bool {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "chrome"} {
		if _, err := lookPath(name); err == nil {
			return true
		}
	}
	return false
}
