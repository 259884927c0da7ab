package captcha_test

import (
	"errors"
	"testing"
	"time"

	"github.com/padron/padron/captcha"
)

// TestConfigValidate checks New refuses, as ErrConfig, what the binary's
// captcha flags refuse, and takes zero as the default.
func TestConfigValidate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		cfg  captcha.Config
		ok   bool
	}{
		{"zero is every default", captcha.Config{}, true},
		{"edges", captcha.Config{FirstPoll: captcha.FirstPollMax, PollInterval: captcha.PollIntervalMin}, true},
		{"first poll too long", captcha.Config{FirstPoll: captcha.FirstPollMax + time.Second}, false},
		{"poll interval too long", captcha.Config{PollInterval: captcha.PollIntervalMax + time.Second}, false},
		{"poll interval negative", captcha.Config{PollInterval: -time.Second}, false},
		{"unknown API", captcha.Config{API: "v2"}, false},
		{"base URL with a query", captcha.Config{BaseURL: "http://127.0.0.1:1/?x=1"}, false},
	} {
		err := tc.cfg.Validate()
		if (err == nil) != tc.ok || err != nil && !errors.Is(err, captcha.ErrConfig) {
			t.Errorf("%s: Validate = %v, want ok=%v (or ErrConfig)", tc.name, err, tc.ok)
		}
		if !tc.ok {
			cfg := tc.cfg
			cfg.Key = "k"
			if _, err := captcha.New(cfg); !errors.Is(err, captcha.ErrConfig) {
				t.Errorf("%s: New = %v, want ErrConfig", tc.name, err)
			}
		}
	}
}
