package bench

import (
	"context"
	"strings"
	"testing"
)

// TestRunRefusesUnknownPhase: a misspelt --only fails before anything
// starts, naming the phases there are.
func TestRunRefusesUnknownPhase(t *testing.T) {
	t.Parallel()
	_, err := Run(context.Background(), Options{Binary: "padron", Chromium: "chromium", Only: []string{"api", "piramide"}})
	if err == nil || !strings.Contains(err.Error(), `unknown phase "piramide"`) || !strings.Contains(err.Error(), "api, pipeline") {
		t.Fatalf("err = %v, want the unknown phase and the list", err)
	}
}
