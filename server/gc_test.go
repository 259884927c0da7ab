package server

import (
	"bytes"
	"log/slog"
	"os"
	"runtime/debug"
	"strings"
	"testing"
)

// The collector's target is the process's: these cases run one after the
// other and put Go's back.
func TestLeanGC(t *testing.T) {
	prev := debug.SetGCPercent(100)
	t.Cleanup(func() { debug.SetGCPercent(prev) })
	gogc, had := os.LookupEnv("GOGC")
	t.Cleanup(func() {
		if had {
			os.Setenv("GOGC", gogc)
		} else {
			os.Unsetenv("GOGC")
		}
	})

	for _, tc := range []struct {
		name   string
		env    *string
		want   int
		logged bool
	}{
		{"GOGC unset: lean", nil, LeanGCPercent, true},
		{"GOGC set: the operator's", ptr("200"), 100, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			debug.SetGCPercent(100)
			if tc.env == nil {
				os.Unsetenv("GOGC")
			} else {
				os.Setenv("GOGC", *tc.env)
			}
			var out bytes.Buffer
			leanGC(slog.New(slog.NewTextHandler(&out, nil)))
			if got := debug.SetGCPercent(100); got != tc.want {
				t.Errorf("GC percent %d, want %d", got, tc.want)
			}
			if logged := strings.Contains(out.String(), "GOGC=50"); logged != tc.logged {
				t.Errorf("logged %v, want %v: %q", logged, tc.logged, out.String())
			}
		})
	}
}

func ptr(s string) *string { return &s }
