// Package chromiumtest finds the browser for tests that drive a real
// Chromium, so every such test agrees on when to skip (without a browser a
// developer's run skips them, while CI, PADRON_REQUIRE_CHROMIUM=1, fails)
// and browser-test processes take turns on the machine.
package chromiumtest

import (
	"os"
	"testing"

	"github.com/go-rod/rod/lib/launcher"
)

// RequireEnv names the variable that turns a missing browser into a failure.
const RequireEnv = "PADRON_REQUIRE_CHROMIUM"

// Path returns the Chromium binary (PADRON_CHROMIUM, else the PATH); Rod
// must never download one. The first call in a test process waits for the
// browser-test lock (LockFile) and holds it until the process exits.
func Path(t testing.TB) string {
	t.Helper()
	p := os.Getenv("PADRON_CHROMIUM")
	if p == "" {
		p, _ = launcher.LookPath()
	}
	if p != "" {
		if err := lockProcess(); err != nil {
			t.Fatalf("chromiumtest: %v", err)
		}
		return p
	}
	if os.Getenv(RequireEnv) != "" {
		t.Fatalf("no chromium binary found and %s is set (apt-get install chromium)", RequireEnv)
	}
	t.Skip("no chromium binary on this machine (apt-get install chromium): skipping browser test")
	return ""
}
