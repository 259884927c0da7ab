package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestSystemdUnit checks deploy/padron.service with systemd's own verifier,
// its ExecStart pointed at the built binary: no error and no warning (an
// unknown or misspelt key is only a warning to systemd, and would silently
// drop a protection). Skipped where systemd-analyze is missing.
func TestSystemdUnit(t *testing.T) {
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze not installed")
	}
	bin := padronBinary(t)
	unit, err := os.ReadFile("deploy/padron.service")
	if err != nil {
		t.Fatal(err)
	}
	const installed = "/usr/local/bin/padron serve "
	if !strings.Contains(string(unit), "ExecStart="+installed) {
		t.Fatalf("the unit's ExecStart does not run %q", installed)
	}
	path := filepath.Join(t.TempDir(), "padron.service")
	if err := os.WriteFile(path, []byte(strings.ReplaceAll(string(unit), "/usr/local/bin/padron", bin)), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(analyze, "verify", path)
	cmd.Dir = t.TempDir()
	out, err := cmd.CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "" {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}

	// The example settings file names only real settings.
	env, err := os.ReadFile("deploy/padron.env.example")
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(env), "\n") {
		name, _, ok := strings.Cut(line, "=")
		if ok && strings.HasPrefix(name, "PADRON_") && !strings.Contains(string(readme), "| `"+name+"` |") {
			t.Errorf("deploy/padron.env.example sets %s, which is not a setting in the README", name)
		}
	}
}
