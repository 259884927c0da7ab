package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// built is the padron binary, compiled once for every test that runs it.
var built struct {
	once sync.Once
	dir  string
	bin  string
	err  error
	out  []byte
}

// TestMain removes the binary built for the tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if built.dir != "" {
		_ = os.RemoveAll(built.dir)
	}
	os.Exit(code)
}

// padronBinary builds the binary on first use and returns its path; tests
// that need it skip under -short.
func padronBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	built.once.Do(func() {
		if built.dir, built.err = os.MkdirTemp("", "padron-bin-"); built.err != nil {
			return
		}
		built.bin = filepath.Join(built.dir, "padron")
		built.out, built.err = exec.Command("go", "build", "-o", built.bin, ".").CombinedOutput()
	})
	if built.err != nil {
		t.Fatalf("build: %v\n%s", built.err, built.out)
	}
	return built.bin
}

// TestStandaloneCommands runs the built binary's own commands in an empty
// directory: they work without PocketBase's bootstrap (no pb_data appears),
// exit with their documented codes, and the fake registrar shuts down
// gracefully on SIGINT instead of being cut off by PocketBase's handler.
func TestStandaloneCommands(t *testing.T) {
	bin := padronBinary(t)
	dir := t.TempDir()
	answer, err := os.ReadFile("registrar/testdata/wsp_found.json")
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

// TestBadSettingsStopTheBinary checks a setting that does not parse stops
// the server before it starts: exit code 2, one line on stderr naming the
// variable or flag, the value and what is accepted, and no data directory.
func TestBadSettingsStopTheBinary(t *testing.T) {
	bin := padronBinary(t)
	var env []string // the test's environment without any PADRON_* setting
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PADRON_") {
			env = append(env, kv)
		}
	}
	cases := []struct {
		env  []string
		args []string
		line string
	}{
		{[]string{"PADRON_CONCURRENCY=two"}, []string{"serve"},
			`padron: PADRON_CONCURRENCY="two": want a whole number from 1 to 64`},
		{nil, []string{"serve", "--pacing", "5 seconds"},
			`padron: --pacing="5 seconds": want a duration like 5s or 1m30s, 0 or more`},
		{[]string{"PADRON_RETRY_DELAYS=1m,oops"}, []string{"serve"},
			`padron: PADRON_RETRY_DELAYS="1m,oops": want a comma-separated list of durations like 1m,5m,15m, each 0 or more`},
	}
	for _, tc := range cases {
		t.Run(tc.line, func(t *testing.T) {
			t.Parallel()
			dataDir := filepath.Join(t.TempDir(), "pb_data")
			ctx, cancel := context.WithTimeout(t.Context(), time.Minute) // a server that starts anyway is killed
			defer cancel()
			cmd := exec.CommandContext(ctx, bin, append(tc.args, "--dir", dataDir, "--http", "127.0.0.1:0")...)
			cmd.Dir = t.TempDir()
			cmd.Env = append(slices.Clip(env), tc.env...)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			err := cmd.Run()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != 2 {
				t.Errorf("exit: %v, want exit code 2", err)
			}
			if got := strings.TrimSuffix(stderr.String(), "\n"); got != tc.line {
				t.Errorf("stderr %q\nwant the one line %q", stderr.String(), tc.line)
			}
			if _, err := os.Stat(dataDir); !os.IsNotExist(err) {
				t.Errorf("the refused start created %s (%v)", dataDir, err)
			}
		})
	}
}
