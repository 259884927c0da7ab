package config

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/pflag"

	"github.com/padron/padron/backups"
	"github.com/padron/padron/captcha"
	"github.com/padron/padron/census"
	"github.com/padron/padron/realtimeguard"
	"github.com/padron/padron/registrar"
	"github.com/padron/padron/routes"
	"github.com/padron/padron/tokens"
	"github.com/padron/padron/worker"
)

// SettingError is a setting whose value does not parse or is out of range.
// Its Error is the one line an operator needs: where the value came from,
// the value, and what is accepted, e.g.
//
//	PADRON_CONCURRENCY="two": want a whole number from 1 to 64
type SettingError struct {
	// Name is the flag ("--pacing") or variable ("PADRON_PACING") that
	// carried the value.
	Name string
	// Value is the value as given.
	Value string
	// Want says what the setting accepts.
	Want string
}

// Error is the one line main prints after "padron: ".
func (e *SettingError) Error() string {
	return fmt.Sprintf("%s=%q: want %s", e.Name, e.Value, e.Want)
}

// setting is one Padrón setting: its flag, its variable, and a value that
// parses, checks and holds it inside a Config.
type setting struct {
	flag, env, usage string
	val              value
}

// settings lists every setting bound to c's fields; Bind, Validate and the
// README test all read this one list.
func (c *Config) settings() []setting {
	return []setting{
		{"source", "PADRON_SOURCE", "registrar site to ask", oneOf(&c.Source, string(census.SourceWSP), string(census.SourceElecciones))},
		{"registrar-url", "PADRON_REGISTRAR_URL", "legacy census page URL", httpURL(&c.RegistrarURL)},
		{"elecciones-url", "PADRON_ELECCIONES_URL", "2026 lookup page URL", httpURL(&c.EleccionesURL)},
		{"elecciones-api-url", "PADRON_ELECCIONES_API_URL", "2026 lookup API URL", httpURL(&c.EleccionesAPIURL)},
		{"lookup-timeout", "PADRON_LOOKUP_TIMEOUT", "budget of the browser part of one lookup", durIn(&c.LookupTimeout, registrar.LookupTimeoutMin, registrar.LookupTimeoutMax)},
		{"captcha-api", "PADRON_CAPTCHA_API", "captcha protocol", oneOf(&c.CaptchaAPI, captcha.APIClassic, captcha.APITask)},
		{"captcha-url", "PADRON_CAPTCHA_URL", "captcha service base URL", captchaURL(&c.CaptchaURL)},
		{"captcha-key", "PADRON_CAPTCHA_KEY", "captcha service API key", anyText(&c.CaptchaKey, "the service's key; empty: checks end in error")},
		{"captcha-first-poll", "PADRON_CAPTCHA_FIRST_POLL", "wait before the first captcha poll", durIn(&c.CaptchaFirstPoll, captcha.FirstPollMin, captcha.FirstPollMax)},
		{"captcha-poll-interval", "PADRON_CAPTCHA_POLL_INTERVAL", "wait between captcha polls", durIn(&c.CaptchaPollInterval, captcha.PollIntervalMin, captcha.PollIntervalMax)},
		{"captcha-max-ahead", "PADRON_CAPTCHA_MAX_AHEAD", "captcha tokens bought ahead of need (solving or ready) at most", intIn(&c.CaptchaMaxAhead, tokens.MaxMin, tokens.MaxMax)},
		{"chromium", "PADRON_CHROMIUM", "Chromium binary", anyText(&c.ChromiumPath, "a path to the browser; empty: search the PATH")},
		{"browser-pool", "PADRON_BROWSER_POOL", "lookups sharing the browser at once", intIn(&c.BrowserPool, registrar.PoolSizeMin, registrar.PoolSizeMax)},
		{"worker", "PADRON_WORKER", "run the background census worker", boolean(&c.Worker)},
		{"concurrency", "PADRON_CONCURRENCY", "census checks run at once", intIn(&c.Concurrency, worker.ConcurrencyMin, worker.ConcurrencyMax)},
		{"worker-tick", "PADRON_WORKER_TICK", "how often the worker looks for retries come due and expired leases", durIn(&c.WorkerTick, worker.TickMin, worker.TickMax)},
		{"pacing", "PADRON_PACING", "minimum gap between two page loads and between two form posts on the registrar", durAtLeast(&c.Pacing.Gap, 0)},
		{"pacing-jitter", "PADRON_PACING_JITTER", "random extra per gap", durAtLeast(&c.Pacing.Jitter, 0)},
		{"retry-delays", "PADRON_RETRY_DELAYS", "waits before each retry", durList(&c.RetryDelays)},
		{"max-attempts", "PADRON_MAX_ATTEMPTS", "attempts per check, the first included", intIn(&c.MaxAttempts, worker.MaxAttemptsMin, worker.MaxAttemptsMax)},
		{"breaker-threshold", "PADRON_BREAKER_THRESHOLD", "consecutive blocks that open the breaker", intIn(&c.BreakerThreshold, worker.BreakerThresholdMin, worker.BreakerThresholdMax)},
		{"breaker-cooloff", "PADRON_BREAKER_COOLOFF", "first pause after the breaker opens", durAtLeast(&c.BreakerCooloff, worker.BreakerCooloffMin)},
		{"breaker-max-cooloff", "PADRON_BREAKER_MAX_COOLOFF", "longest breaker pause", durAtLeast(&c.BreakerMaxCooloff, worker.BreakerCooloffMin)},
		{"attempt-retention", "PADRON_ATTEMPT_RETENTION", "how long attempt history is kept", durAtLeast(&c.AttemptRetention, worker.AttemptRetentionMin)},
		{"revalidate-after", "PADRON_REVALIDATE_AFTER", "age at which answers are checked again", durOffOrAtLeast(&c.RevalidateAfter, worker.RevalidateAfterMin, "never")},
		{"broker", "PADRON_BROKER", "where census checks are handed to lookup agents", brokerValue(&c.Broker)},
		{"broker-listen", "PADRON_BROKER_LISTEN", "address the embedded broker listens on for agents", hostPort(&c.BrokerListen)},
		{"broker-tls-cert", "PADRON_BROKER_TLS_CERT", "TLS certificate of the embedded broker's listener", anyText(&c.BrokerTLSCert, "a PEM file path; empty: no TLS")},
		{"broker-tls-key", "PADRON_BROKER_TLS_KEY", "TLS key of the embedded broker's listener", anyText(&c.BrokerTLSKey, "a PEM file path; empty: no TLS")},
		{"broker-creds", "PADRON_BROKER_CREDS", "NATS credentials file for an external broker", anyText(&c.BrokerCreds, "a .creds file path; empty: none")},
		{"agent-key", "PADRON_AGENT_KEY", "the agent's credential for the embedded broker", anyText(&c.AgentKey, "the line padron agent-key create printed; empty: none")},
		{"public-dir", "PADRON_PUBLIC_DIR", "static frontend directory served at /", nonEmpty(&c.PublicDir, "a directory path, not empty")},
		{"realtime-max-subscriptions", "PADRON_REALTIME_MAX_SUBSCRIPTIONS", "topics one realtime connection may hold", intIn(&c.RealtimeMaxSubscriptions, realtimeguard.MaxSubscriptionsMin, realtimeguard.MaxSubscriptionsMax)},
		{"realtime-max-per-ip", "PADRON_REALTIME_MAX_PER_IP", "realtime connections one address may keep open", intIn(&c.RealtimeMaxPerIP, realtimeguard.MaxPerIPMin, realtimeguard.MaxPerIPMax)},
		{"realtime-max-per-user", "PADRON_REALTIME_MAX_PER_USER", "connections of one account that may hold subscriptions", intIn(&c.RealtimeMaxPerUser, realtimeguard.MaxPerUserMin, realtimeguard.MaxPerUserMax)},
		{"refresh-cooldown", "PADRON_REFRESH_COOLDOWN", "minimum time between API-requested checks of one record", durIn(&c.RefreshCooldown, routes.RefreshCooldownMin, routes.RefreshCooldownMax)},
		{"refresh-daily-limit", "PADRON_REFRESH_DAILY_LIMIT", "own census checks a member may ask for a day", intIn(&c.RefreshDailyLimit, routes.RefreshDailyLimitMin, routes.RefreshDailyLimitMax)},
		{"backup-cron", "PADRON_BACKUP_CRON", "when scheduled backups run (UTC)", backupCron(&c.BackupCron)},
		{"backup-keep", "PADRON_BACKUP_KEEP", "scheduled backups kept", intIn(&c.BackupKeep, backups.KeepMin, backups.KeepMax)},
		{"metrics-allow", "PADRON_METRICS_ALLOW", "addresses that may read /metrics without signing in", metricsAllow(&c.MetricsAllow)},
	}
}

// Bind registers every setting as a flag on fs, with its environment
// variable (looked up through getenv) as the flag's default. A variable
// that does not parse or is out of range leaves the default in place and is
// reported by Validate (Load reports it at once).
func (c *Config) Bind(fs *pflag.FlagSet, getenv func(string) string) {
	for _, s := range c.settings() {
		if raw := getenv(s.env); raw != "" {
			if s.env == "PADRON_WORKER" {
				c.workerSet = true
			}
			if err := s.val.Set(raw); err != nil && c.envErr == nil {
				c.envErr = &SettingError{Name: s.env, Value: raw, Want: s.val.want()}
			}
		}
		fs.Var(s.val, s.flag, s.usage+": "+s.val.want()+" (env "+s.env+")")
	}
}

// Load builds the settings for a run: the defaults, overridden by the
// PADRON_* variables (through getenv), overridden by the flags in args. It
// binds every setting to fs (so help lists them, and a later parse of the
// same args by cobra writes the same values into the returned Config) and
// parses args for Padrón's flags only: any other flag (PocketBase's --dir,
// --http, a subcommand's) is skipped, and so are positional arguments and
// everything after --help. The error is a *SettingError for the first value
// that does not parse or is out of range, or for settings that contradict
// each other.
func Load(fs *pflag.FlagSet, args []string, getenv func(string) string) (*Config, error) {
	c := new(Config)
	*c = Default()
	c.Bind(fs, getenv)
	if c.envErr != nil {
		return c, c.envErr
	}

	ours := pflag.NewFlagSet("padron", pflag.ContinueOnError)
	ours.SetOutput(io.Discard)
	ours.Usage = func() {}
	ours.ParseErrorsAllowlist.UnknownFlags = true
	byFlag := map[string]setting{}
	for _, s := range c.settings() {
		byFlag[s.flag] = s
		ours.AddFlag(fs.Lookup(s.flag))
	}
	if err := ours.Parse(args); err != nil {
		var invalid *pflag.InvalidValueError
		var missing *pflag.ValueRequiredError
		switch {
		case errors.As(err, &invalid):
			name := invalid.GetFlag().Name
			return c, &SettingError{Name: "--" + name, Value: invalid.GetValue(), Want: byFlag[name].val.want()}
		case errors.As(err, &missing):
			name := missing.GetFlag().Name
			return c, &SettingError{Name: "--" + name, Value: "", Want: byFlag[name].val.want()}
		}
		// --help (shown later by cobra) or a syntax error in a flag that is
		// not ours (cobra reports it): nothing of ours to report.
	}
	if f := ours.Lookup("worker"); f != nil && f.Changed {
		c.workerSet = true
	}
	return c, c.validate(func(s setting) (string, bool) {
		if f := ours.Lookup(s.flag); f != nil && f.Changed {
			return "--" + s.flag, true
		}
		if getenv(s.env) != "" {
			return s.env, true
		}
		return "--" + s.flag, false
	})
}

// FromEnv returns the defaults overridden by PADRON_* variables, for code
// paths that have no command line (tests, embedding); a bad variable keeps
// its default and is reported by Validate.
func FromEnv(getenv func(string) string) Config {
	c := Default()
	c.Bind(pflag.NewFlagSet("env", pflag.ContinueOnError), getenv)
	return c
}

// Validate reports the first setting that cannot work, as a *SettingError:
// a PADRON_* variable Bind could not use, a value out of its range (for
// settings built in code), or settings that contradict each other.
func (c *Config) Validate() error {
	return c.validate(func(s setting) (string, bool) { return "--" + s.flag, false })
}

// validate is Validate with origin telling where each setting's value came
// from (and whether the operator set it), so the error names what the
// operator typed.
func (c *Config) validate(origin func(setting) (name string, set bool)) error {
	if c.envErr != nil {
		return c.envErr
	}
	byFlag := map[string]setting{}
	for _, s := range c.settings() {
		byFlag[s.flag] = s
		if !s.val.valid() {
			name, _ := origin(s)
			return &SettingError{Name: name, Value: s.val.String(), Want: s.val.want()}
		}
	}
	if (c.BrokerTLSCert == "") != (c.BrokerTLSKey == "") {
		name, _ := origin(byFlag["broker-tls-key"])
		return &SettingError{Name: name, Value: c.BrokerTLSKey, Want: "a key and a certificate (--broker-tls-cert), both or neither"}
	}
	if c.BreakerCooloff > c.BreakerMaxCooloff {
		// Blame the maximum only when the operator set it and not the cooloff.
		cool, ceiling := byFlag["breaker-cooloff"], byFlag["breaker-max-cooloff"]
		coolName, coolSet := origin(cool)
		ceilingName, ceilingSet := origin(ceiling)
		if ceilingSet && !coolSet {
			return &SettingError{Name: ceilingName, Value: ceiling.val.String(),
				Want: "a duration not less than --breaker-cooloff (" + cool.val.String() + ")"}
		}
		return &SettingError{Name: coolName, Value: cool.val.String(),
			Want: "a duration from " + formatDuration(worker.BreakerCooloffMin) + " to --breaker-max-cooloff (" + ceiling.val.String() + ")"}
	}
	return nil
}
