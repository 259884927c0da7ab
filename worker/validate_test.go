package worker_test

import (
	"strings"
	"testing"
	"time"

	"github.com/padron/padron/apptest"
	"github.com/padron/padron/worker"
)

// TestValidate checks the worker holds a Config built in code to the ranges
// the binary's flags use: zero is the default, "off" is named, anything
// else out of range is refused by New itself.
func TestValidate(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		cfg  worker.Config
		bad  string // "" when valid; else a word the error must carry
	}{
		{"zero is every default", worker.Config{}, ""},
		{"edges", worker.Config{Concurrency: worker.ConcurrencyMax, MaxAttempts: worker.MaxAttemptsMin, Tick: worker.TickMin,
			BreakerCooloff: worker.BreakerCooloffMin, AttemptRetention: worker.AttemptRetentionMin,
			RevalidateAfter: worker.RevalidateAfterMin, RetryDelays: []time.Duration{0}}, ""},
		{"revalidation off", worker.Config{RevalidateAfter: worker.RevalidateOff}, ""},
		{"failed retry off", worker.Config{RetryFailedAfter: worker.RetryFailedOff}, ""},
		{"failed retry too soon", worker.Config{RetryFailedAfter: time.Minute}, "RetryFailedAfter"},
		{"jitter off", worker.Config{RetryJitter: worker.RetryJitterOff}, ""},
		{"concurrency too high", worker.Config{Concurrency: 10000}, "Concurrency"},
		{"concurrency negative", worker.Config{Concurrency: -1}, "Concurrency"},
		{"attempts too high", worker.Config{MaxAttempts: worker.MaxAttemptsMax + 1}, "MaxAttempts"},
		{"tick too short", worker.Config{Tick: time.Millisecond}, "Tick"},
		{"cooloff too short", worker.Config{BreakerCooloff: time.Millisecond}, "BreakerCooloff"},
		{"cooloff above its ceiling", worker.Config{BreakerCooloff: 2 * time.Hour}, "BreakerMaxCooloff"},
		{"revalidation too soon", worker.Config{RevalidateAfter: time.Minute}, "RevalidateAfter"},
		{"revalidation negative but not off", worker.Config{RevalidateAfter: -time.Hour}, "RevalidateAfter"},
		{"negative retry delay", worker.Config{RetryDelays: []time.Duration{time.Minute, -1}}, "RetryDelays"},
		{"jitter above 1", worker.Config{RetryJitter: 2}, "RetryJitter"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := tc.cfg.Validate()
			if tc.bad == "" {
				if err != nil {
					t.Fatalf("Validate(%+v) = %v, want nil", tc.cfg, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.bad) {
				t.Fatalf("Validate = %v, want an error naming %s", err, tc.bad)
			}
		})
	}
}

// TestNewRefusesBadConfig checks New itself runs Validate, so a worker
// built without the binary's settings cannot start out of range.
func TestNewRefusesBadConfig(t *testing.T) {
	t.Parallel()
	app := apptest.NewBareApp(t)
	if _, err := worker.New(app, newScript(), worker.Config{Concurrency: 10000}); err == nil || !strings.Contains(err.Error(), "Concurrency") {
		t.Fatalf("New with Concurrency 10000 = %v, want refused", err)
	}
}
