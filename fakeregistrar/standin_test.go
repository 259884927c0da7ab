package fakeregistrar

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImportsNoParser checks the fake stays the registrar's stand-in: it
// must not answer with the very parsers it is checked against, so neither
// registrar nor scraper is among its (non-test) dependencies.
func TestImportsNoParser(t *testing.T) {
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
		if p == "github.com/padron/padron/registrar" || p == "github.com/padron/padron/scraper" {
			t.Errorf("fakeregistrar depends on %s", p)
		}
	}
}
