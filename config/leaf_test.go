package config

import (
	"os/exec"
	"strings"
	"testing"
)

// TestConfigLinksNoBrowser checks config stays a leaf: nothing it imports,
// directly or not, pulls go-rod or the packages that build the engine, so
// reading settings never links a browser driver.
func TestConfigLinksNoBrowser(t *testing.T) {
	t.Parallel()
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 10 {
		t.Fatalf("go list -deps listed only %q: the check would pass vacuously", deps)
	}
	for _, p := range deps {
		if strings.Contains(p, "github.com/go-rod/") || p == "github.com/padron/padron/scraper" || p == "github.com/padron/padron/server" {
			t.Errorf("config depends on %s", p)
		}
	}
}
