package config

import (
	"errors"
	"testing"
	"time"

	"github.com/spf13/pflag"
)

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestPrecedence(t *testing.T) {
	t.Parallel()
	env := envOf(map[string]string{
		"PADRON_SOURCE":       "elecciones",
		"PADRON_PACING":       "2s",
		"PADRON_RETRY_DELAYS": "10s,20s",
		"PADRON_CONCURRENCY":  "3",
		"PADRON_WORKER":       "false",
	})
	c := Default()
	fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
	c.Bind(fs, env)
	if err := fs.Parse([]string{"--pacing=7s", "--retry-delays=1s,2s,3s"}); err != nil {
		t.Fatal(err)
	}
	if c.Source != "elecciones" {
		t.Errorf("env should set source, got %q", c.Source)
	}
	if c.Pacing.Gap != 7*time.Second {
		t.Errorf("flag should win over env, got %v", c.Pacing.Gap)
	}
	if len(c.RetryDelays) != 3 || c.RetryDelays[2] != 3*time.Second {
		t.Errorf("retry delays = %v", c.RetryDelays)
	}
	if c.Concurrency != 3 || c.Worker {
		t.Errorf("concurrency=%d worker=%v", c.Concurrency, c.Worker)
	}
	if c.MaxAttempts != 3 || c.RefreshCooldown != 30*time.Second {
		t.Errorf("defaults lost: %+v", c)
	}
}

func TestEnvRetryDelaysWithoutFlags(t *testing.T) {
	t.Parallel()
	c := FromEnv(envOf(map[string]string{"PADRON_RETRY_DELAYS": "1s, 2s"}))
	if len(c.RetryDelays) != 2 || c.RetryDelays[1] != 2*time.Second {
		t.Fatalf("retry delays = %v", c.RetryDelays)
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	c := Default()
	if err := c.Validate(); err != nil {
		t.Fatalf("defaults invalid: %v", err)
	}
	c.Source = "ftp"
	c.MaxAttempts = 0
	if err := c.Validate(); err == nil {
		t.Fatal("expected an error")
	}
}

func TestWarnings(t *testing.T) {
	t.Parallel()
	none := func(string) (string, error) { return "", errors.New("not found") }
	c := Default()
	if got := len(c.Warnings(none)); got != 2 {
		t.Fatalf("want 2 warnings (no key, no chromium), got %d", got)
	}
	c.CaptchaKey = "k"
	found := func(string) (string, error) { return "/usr/bin/chromium", nil }
	if got := c.Warnings(found); len(got) != 0 {
		t.Fatalf("want no warnings, got %v", got)
	}
}
