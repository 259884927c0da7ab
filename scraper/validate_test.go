package scraper

import (
	"strings"
	"testing"
	"time"

	"github.com/padron/padron/registrar"
	"github.com/padron/padron/tokens"
)

// TestConfigValidate checks New holds a Config built in code to the ranges
// the binary's flags use (registrar's constants), without a browser: zero
// is the default, anything out of range is refused before any launch.
func TestConfigValidate(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		cfg  Config
		bad  string // "" when valid; else a word the error must carry
	}{
		{"zero is every default", Config{}, ""},
		{"edges", Config{PoolSize: registrar.PoolSizeMax, LookupTimeout: registrar.LookupTimeoutMin, RecycleAfter: registrar.RecycleAfterMin}, ""},
		{"unknown source", Config{Source: "ftp"}, "source"},
		{"pool too large", Config{PoolSize: registrar.PoolSizeMax + 1}, "PoolSize"},
		{"pool negative", Config{PoolSize: -1}, "PoolSize"},
		{"recycle negative", Config{RecycleAfter: -1}, "RecycleAfter"},
		{"timeout too short", Config{LookupTimeout: time.Millisecond}, "LookupTimeout"},
		{"timeout too long", Config{LookupTimeout: registrar.LookupTimeoutMax + time.Second}, "LookupTimeout"},
		{"tokens out of range", Config{Tokens: tokens.Config{Max: tokens.MaxMax + 1}}, "Max"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.cfg.ChromiumPath = "/nonexistent/chromium" // proves nothing is launched
			e, err := New(tc.cfg)
			if tc.bad == "" {
				if err != nil {
					t.Fatalf("New(%+v) = %v, want an engine", tc.cfg, err)
				}
				_ = e.Close()
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.bad) {
				t.Fatalf("New = %v, want an error naming %s", err, tc.bad)
			}
		})
	}
}
