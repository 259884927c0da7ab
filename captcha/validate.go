package captcha

import (
	"fmt"
	"time"
)

// Ranges of the polling waits, so config's flags accept exactly what the
// clients do.
const (
	// FirstPollMin lets tests against a local fake poll at once.
	FirstPollMin = time.Millisecond
	// FirstPollMax is past any solve the services promise.
	FirstPollMax = 2 * time.Minute
	// PollIntervalMin lets tests against a local fake poll at once.
	PollIntervalMin = time.Millisecond
	// PollIntervalMax still notices a token before it expires (~120 s).
	PollIntervalMax = time.Minute
)

// Validate reports the first field the clients cannot use, wrapping
// ErrConfig: zero means the default everywhere, only values out of their
// documented range are refused. The key is checked by the constructors, so
// a Config without one still validates.
func (cfg Config) Validate() error {
	switch cfg.API {
	case "", APIClassic, APITask:
	default:
		return fmt.Errorf("captcha: unknown API %q (want %q or %q): %w", cfg.API, APIClassic, APITask, ErrConfig)
	}
	if cfg.BaseURL != "" {
		if err := CheckBaseURL(cfg.BaseURL); err != nil {
			return err
		}
	}
	for _, f := range []struct {
		name           string
		v, def, lo, hi time.Duration
	}{
		{"FirstPoll", cfg.FirstPoll, FirstPollDefault, FirstPollMin, FirstPollMax},
		{"PollInterval", cfg.PollInterval, PollIntervalDefault, PollIntervalMin, PollIntervalMax},
	} {
		if f.v != 0 && (f.v < f.lo || f.v > f.hi) {
			return fmt.Errorf("captcha: %s %s out of range: want 0 (default %s) or %s to %s: %w", f.name, f.v, f.def, f.lo, f.hi, ErrConfig)
		}
	}
	for _, f := range []struct {
		name string
		v    time.Duration
	}{{"Deadline", cfg.Deadline}, {"BusyBackoff", cfg.BusyBackoff}} {
		if f.v < 0 {
			return fmt.Errorf("captcha: %s %s is negative: want 0 (default) or more: %w", f.name, f.v, ErrConfig)
		}
	}
	return nil
}
