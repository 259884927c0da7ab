package config

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/spf13/pflag"
)

// load runs Load on a fresh flag set, as main does on PocketBase's root.
func load(t *testing.T, env map[string]string, args ...string) (*Config, error) {
	t.Helper()
	return Load(pflag.NewFlagSet("padron", pflag.ContinueOnError), args, envOf(env))
}

// settingErr asserts err is a *SettingError and returns it.
func settingErr(t *testing.T, err error) *SettingError {
	t.Helper()
	var se *SettingError
	if !errors.As(err, &se) {
		t.Fatalf("error %v (%T), want a *SettingError", err, err)
	}
	return se
}

// badValues are values each setting must refuse; every setting that can
// refuse anything has a row (checked by TestEveryRangedSettingIsTested).
var badValues = map[string][]string{
	"source":                     {"ftp", "WSP", " wsp"},
	"registrar-url":              {"wsp.registraduria.gov.co/censo/", "ftp://127.0.0.1/censo/", "http://"},
	"elecciones-url":             {"not a url", "/identificacion"},
	"elecciones-api-url":         {"https//host/api", "mailto:a@b.co"},
	"lookup-timeout":             {"0s", "999ms", "11m", "45"},
	"captcha-api":                {"v2", "Classic"},
	"captcha-url":                {"https://2captcha.com/?x=1", "2captcha.com", "ws://127.0.0.1/"},
	"captcha-first-poll":         {"0", "3m", "15 s"},
	"captcha-poll-interval":      {"-1s", "2m"},
	"captcha-max-ahead":          {"0", "257", "many", "-1"},
	"browser-pool":               {"0", "65", "two"},
	"worker":                     {"yes", "1", "TRUE", "no"},
	"concurrency":                {"two", "0", "-1", "2.5", "65", " 2"},
	"pacing":                     {"5 seconds", "-1s", "5"},
	"pacing-jitter":              {"-1ms", "1 s"},
	"retry-delays":               {"1m,oops", "", "1m,-1s", "1m,,5m", "oops"},
	"max-attempts":               {"0", "101", "3x"},
	"breaker-threshold":          {"0", "101"},
	"breaker-cooloff":            {"0", "500ms", "5"},
	"breaker-max-cooloff":        {"0", "1"},
	"attempt-retention":          {"0", "59m"},
	"revalidate-after":           {"30m", "-1h", "1d"},
	"public-dir":                 {""},
	"refresh-daily-limit":        {"0", "1001", "cinco"},
	"refresh-cooldown":           {"0", "999ms", "25h"},
	"realtime-max-subscriptions": {"0", "1001", "fifty"},
	"realtime-max-per-ip":        {"0", "100001", "-1"},
	"realtime-max-per-user":      {"0", "1001", "diez"},
	"worker-tick":                {"0s", "9ms", "25h", "fast"},
	"backup-cron":                {"daily", "0 8 * *", "61 * * * *", "0 25 * * *", "Off"},
	"backup-keep":                {"0", "1001", "catorce"},
	"metrics-allow":              {"", "localhost", "10.0.0.0/33", "127.0.0.1,", "fe80::1%eth0", "all"},
	"broker":                     {"Embedded", "http://127.0.0.1:4222", "nats://", "127.0.0.1:4222"},
	"broker-listen":              {"4222", "127.0.0.1", "127.0.0.1:99999", "host:port"},
}

// TestBadValuesStopLoad checks every refused value, given as a variable
// and as a flag, names its source, the value and what is accepted.
func TestBadValuesStopLoad(t *testing.T) {
	t.Parallel()
	def := Default()
	for _, s := range def.settings() {
		for _, bad := range badValues[s.flag] {
			t.Run(s.flag+"="+bad, func(t *testing.T) {
				t.Parallel()
				if bad != "" { // an empty variable means "not set"
					_, err := load(t, map[string]string{s.env: bad})
					se := settingErr(t, err)
					if *se != (SettingError{Name: s.env, Value: bad, Want: s.val.want()}) {
						t.Errorf("env: got %+v", *se)
					}
				}
				for _, args := range [][]string{{"--" + s.flag + "=" + bad}, {"serve", "--" + s.flag, bad}} {
					_, err := load(t, nil, args...)
					se := settingErr(t, err)
					if *se != (SettingError{Name: "--" + s.flag, Value: bad, Want: s.val.want()}) {
						t.Errorf("%q: got %+v", args, *se)
					}
				}
			})
		}
	}
}

// TestEveryRangedSettingIsTested keeps badValues in step with the settings:
// only free-text settings may lack bad values.
func TestEveryRangedSettingIsTested(t *testing.T) {
	t.Parallel()
	c := Default()
	for _, s := range c.settings() {
		if tv, ok := s.val.(*textValue); ok && tv.ok == nil {
			if len(badValues[s.flag]) != 0 {
				t.Errorf("%s accepts any text but has bad values", s.flag)
			}
			continue
		}
		if len(badValues[s.flag]) == 0 {
			t.Errorf("setting %s has no bad values in the test table", s.flag)
		}
	}
	for flag := range badValues {
		found := false
		for _, s := range c.settings() {
			found = found || s.flag == flag
		}
		if !found {
			t.Errorf("badValues names %q, which is not a setting", flag)
		}
	}
}

// TestErrorLines pins the exact lines an operator sees for the examples
// that used to pass silently.
func TestErrorLines(t *testing.T) {
	t.Parallel()
	cases := []struct {
		env  map[string]string
		args []string
		want string
	}{
		{map[string]string{"PADRON_CONCURRENCY": "two"}, []string{"serve"}, `PADRON_CONCURRENCY="two": want a whole number from 1 to 64`},
		{nil, []string{"serve", "--pacing", "5 seconds"}, `--pacing="5 seconds": want a duration like 5s or 1m30s, 0 or more`},
		{map[string]string{"PADRON_PACING": "5 seconds"}, nil, `PADRON_PACING="5 seconds": want a duration like 5s or 1m30s, 0 or more`},
		{map[string]string{"PADRON_RETRY_DELAYS": "1m,oops"}, nil, `PADRON_RETRY_DELAYS="1m,oops": want a comma-separated list of durations like 1m,5m,15m, each 0 or more`},
		{nil, []string{"--worker=yes"}, `--worker="yes": want true or false`},
		{nil, []string{"serve", "--pacing"}, `--pacing="": want a duration like 5s or 1m30s, 0 or more`},
		{nil, []string{"serve", "--worker"}, `--worker="": want true or false`},
		// A bad variable is an error even when a flag overrides it.
		{map[string]string{"PADRON_PACING": "soon"}, []string{"--pacing=2s"}, `PADRON_PACING="soon": want a duration like 5s or 1m30s, 0 or more`},
		// Settings that contradict each other blame the one that was set.
		{nil, []string{"--breaker-cooloff=2h"}, `--breaker-cooloff="2h": want a duration from 1s to --breaker-max-cooloff (1h)`},
		{map[string]string{"PADRON_BREAKER_MAX_COOLOFF": "1m"}, nil, `PADRON_BREAKER_MAX_COOLOFF="1m": want a duration not less than --breaker-cooloff (5m)`},
		{map[string]string{"PADRON_BREAKER_MAX_COOLOFF": "1m"}, []string{"--breaker-cooloff=90s"}, `--breaker-cooloff="1m30s": want a duration from 1s to --breaker-max-cooloff (1m)`},
	}
	for _, tc := range cases {
		_, err := load(t, tc.env, tc.args...)
		if err == nil || err.Error() != tc.want {
			t.Errorf("env %v args %q: error %v\nwant %s", tc.env, tc.args, err, tc.want)
		}
	}
}

// TestLoadSkipsWhatIsNotOurs checks PocketBase's flags, a subcommand's
// flags, positional arguments and everything after --help or -- are left
// to cobra, while Padrón's flags anywhere on the line are read.
func TestLoadSkipsWhatIsNotOurs(t *testing.T) {
	t.Parallel()
	c, err := load(t, nil, "--dir", "/tmp/pb", "serve", "--http", "127.0.0.1:8090", "--dev", "--pacing", "2s",
		"-x", "value", "--origins=a,b", "--concurrency=3", "positional", "--", "--pacing=oops")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if c.Pacing.Gap != 2*time.Second || c.Concurrency != 3 {
		t.Errorf("pacing %v concurrency %d, want 2s and 3", c.Pacing.Gap, c.Concurrency)
	}
	if _, err := load(t, nil, "serve", "--help", "--pacing=oops"); err != nil {
		t.Errorf("after --help: %v, want nothing reported (cobra shows help)", err)
	}
}

// TestAcceptedEdges checks the ends of each range are accepted and mean
// what they say.
func TestAcceptedEdges(t *testing.T) {
	t.Parallel()
	env := map[string]string{
		"PADRON_CONCURRENCY": "64", "PADRON_BROWSER_POOL": "1", "PADRON_PACING": "0", "PADRON_RETRY_DELAYS": "0s, 30s",
		"PADRON_REVALIDATE_AFTER": "0", "PADRON_LOOKUP_TIMEOUT": "10m", "PADRON_CAPTCHA_URL": "http://127.0.0.1:1/captcha",
		"PADRON_CHROMIUM": "/opt/chrome", "PADRON_CAPTCHA_KEY": "k", "PADRON_BREAKER_COOLOFF": "1h",
		"PADRON_REFRESH_COOLDOWN": "1s",
	}
	c, err := load(t, env, "--worker", "true", "--max-attempts=1", "--breaker-max-cooloff=1h")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	want := Default()
	want.Concurrency, want.BrowserPool, want.Pacing.Gap, want.RetryDelays = 64, 1, 0, []time.Duration{0, 30 * time.Second}
	want.RevalidateAfter, want.LookupTimeout, want.CaptchaURL = 0, 10*time.Minute, "http://127.0.0.1:1/captcha"
	want.ChromiumPath, want.CaptchaKey, want.BreakerCooloff, want.MaxAttempts = "/opt/chrome", "k", time.Hour, 1
	want.RefreshCooldown = time.Second
	want.workerSet = true // --worker was given: with a broker, the server looks up too
	if !reflect.DeepEqual(*c, want) {
		t.Errorf("got  %+v\nwant %+v", *c, want)
	}
	// How revalidate-after 0 reaches the worker: server's TestWorkerConfig.
	for _, args := range [][]string{{"--worker=false"}, {"--worker", "false", "serve"}} {
		if c, err := load(t, nil, args...); err != nil || c.Worker {
			t.Errorf("%q: worker %v, err %v; want the worker off", args, c.Worker, err)
		}
	}
}

// TestLoadWithNothingIsDefault checks an empty environment and command
// line give exactly Default, and Default is valid.
func TestLoadWithNothingIsDefault(t *testing.T) {
	t.Parallel()
	c, err := load(t, nil)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if !reflect.DeepEqual(*c, Default()) {
		t.Errorf("Load = %+v, want Default %+v", *c, Default())
	}
}

// TestValidateNamesTheFlag checks a Config built in code is held to the
// same ranges, and a bad variable seen by Bind is reported by Validate.
func TestValidateNamesTheFlag(t *testing.T) {
	t.Parallel()
	c := Default()
	c.Concurrency = 0
	if se := settingErr(t, c.Validate()); *se != (SettingError{Name: "--concurrency", Value: "0", Want: "a whole number from 1 to 64"}) {
		t.Errorf("got %+v", *se)
	}
	c = FromEnv(envOf(map[string]string{"PADRON_SOURCE": "nope"}))
	if c.Source != "wsp" {
		t.Errorf("a refused variable changed the setting to %q", c.Source)
	}
	if se := settingErr(t, c.Validate()); se.Name != "PADRON_SOURCE" || se.Value != "nope" {
		t.Errorf("got %+v", *se)
	}
}

func TestFormatDuration(t *testing.T) {
	t.Parallel()
	for d, want := range map[time.Duration]string{
		0: "0s", 5 * time.Second: "5s", 90 * time.Second: "1m30s", 5 * time.Minute: "5m", time.Hour: "1h",
		70 * time.Minute: "1h10m", 720 * time.Hour: "720h", time.Hour + time.Second: "1h0m1s", 1500 * time.Millisecond: "1.5s",
	} {
		if got := formatDuration(d); got != want {
			t.Errorf("formatDuration(%v) = %q, want %q", d, got, want)
		}
		if back, err := time.ParseDuration(formatDuration(d)); err != nil || back != d {
			t.Errorf("%q does not parse back to %v", formatDuration(d), d)
		}
	}
}
