package tokens

import (
	"testing"
	"time"

	"github.com/padron/padron/captcha"
)

// TestConfigValidate checks New refuses what --captcha-max-ahead refuses,
// and accepts zero as the default.
func TestConfigValidate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		cfg Config
		ok  bool
	}{
		{Config{}, true}, {Config{Max: MaxMin}, true}, {Config{Max: MaxMax}, true},
		{Config{Max: MaxMax + 1}, false}, {Config{Max: -1}, false}, {Config{Lifetime: -time.Second}, false},
	} {
		if err := tc.cfg.Validate(); (err == nil) != tc.ok {
			t.Errorf("Validate(%+v) = %v, want ok=%v", tc.cfg, err, tc.ok)
		}
	}
	if p, err := New(nil, captcha.Task{}, Config{Max: MaxMax + 1}); err == nil {
		_ = p.Close()
		t.Error("New accepted Max above MaxMax")
	}
}
