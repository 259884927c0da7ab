package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestStandaloneCommands runs the built binary's own commands in an empty
// directory: they work without PocketBase's bootstrap (no pb_data appears),
// exit with their documented codes, and the fake registrar shuts down
// gracefully on SIGINT instead of being cut off by PocketBase's handler.
func TestStandaloneCommands(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "padron")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	dir := filepath.Join(tmp, "cwd")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	answer, err := os.ReadFile("scraper/testdata/wsp_found.json")
	if err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		args    []string
		stdin   []byte
		code    int
		jsonKey string // a key the printed object must carry
		value   string
	}{
		{args: []string{"census", "parse", "--source", "wsp"}, stdin: answer, code: 0, jsonKey: "outcome", value: "found"},
		{args: []string{"census", "lookup", "12a"}, code: 2, jsonKey: "error", value: "invalid_cedula"},
	}
	for _, tc := range cases {
		cmd := exec.Command(bin, tc.args...)
		cmd.Dir = dir
		cmd.Stdin = bytes.NewReader(tc.stdin)
		out, err := cmd.Output()
		code := 0
		if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatalf("%v: %v", tc.args, err)
		}
		var got map[string]any
		if jerr := json.Unmarshal(out, &got); jerr != nil || code != tc.code || got[tc.jsonKey] != tc.value {
			t.Errorf("%v: exit %d, output %s; want exit %d with %s=%q", tc.args, code, out, tc.code, tc.jsonKey, tc.value)
		}
	}

	// The fake registrar runs until SIGINT, then says it stopped.
	cmd := exec.Command(bin, "fake-registrar", "--addr", "127.0.0.1:0")
	cmd.Dir = dir
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	lines := bufio.NewScanner(stdout)
	for lines.Scan() && !strings.Contains(lines.Text(), "http://127.0.0.1:") {
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	var rest []byte
	done := make(chan error, 1)
	go func() {
		rest, _ = io.ReadAll(stdout) // the pipe closes when the process exits
		done <- cmd.Wait()
	}()
	select {
	case err := <-done:
		if err != nil || !strings.Contains(string(rest), "fake registrar stopped") {
			t.Errorf("fake-registrar after SIGINT: %v, output after the banner %q; want exit 0 after a graceful stop", err, rest)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("fake-registrar still running 30 s after SIGINT")
	}

	if _, err := os.Stat(filepath.Join(dir, "pb_data")); !os.IsNotExist(err) {
		t.Errorf("a standalone command created pb_data (%v)", err)
	}
}
