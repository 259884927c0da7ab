package routes_test

import (
	"testing"
	"time"

	"github.com/padron/padron/apptest"
	"github.com/padron/padron/routes"
)

// TestRefreshCooldownValidate checks Register holds the cooldown to the
// range --refresh-cooldown uses: zero is the default, off is named, and
// anything else out of range is refused.
func TestRefreshCooldownValidate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		cooldown time.Duration
		ok       bool
	}{
		{0, true}, {routes.RefreshCooldownOff, true}, {routes.RefreshCooldownMin, true}, {routes.RefreshCooldownMax, true},
		{routes.RefreshCooldownMin - 1, false}, {routes.RefreshCooldownMax + 1, false}, {-time.Second, false},
	} {
		err := routes.Deps{RefreshCooldown: tc.cooldown}.Validate()
		if (err == nil) != tc.ok {
			t.Errorf("RefreshCooldown %v: Validate = %v, want ok=%v", tc.cooldown, err, tc.ok)
		}
	}
	if err := routes.Register(apptest.NewBareApp(t), routes.Deps{RefreshCooldown: time.Millisecond}); err == nil {
		t.Error("Register accepted a 1ms cooldown")
	}
}
