package pacing_test

import (
	"testing"
	"time"

	"github.com/padron/padron/pacing"
)

// The defaults are valid, and a negative gap or jitter is refused.
func TestConfigValidate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		cfg pacing.Config
		ok  bool
	}{
		{pacing.Default(), true},
		{pacing.Config{}, true},
		{pacing.Config{Gap: -time.Second}, false},
		{pacing.Config{Gap: time.Second, Jitter: -time.Millisecond}, false},
	} {
		if err := tc.cfg.Validate(); (err == nil) != tc.ok {
			t.Errorf("%+v: Validate() = %v, want ok %v", tc.cfg, err, tc.ok)
		}
	}
	if d := pacing.Default(); d.Gap != pacing.GapDefault || d.Jitter != pacing.JitterDefault {
		t.Errorf("Default() = %+v", d)
	}
}
