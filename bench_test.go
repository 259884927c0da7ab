package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/padron/padron/bench"
	"github.com/padron/padron/chromiumtest"
)

// benchCmd is `padron bench --quick` with its own TMPDIR, so what it
// leaves behind is easy to see.
func benchCmd(t *testing.T, args ...string) (*exec.Cmd, string) {
	t.Helper()
	bin := padronBinary(t)
	chromium := chromiumtest.Path(t)
	// Not t.TempDir(): its long name would push Chromium's socket path
	// past the 108 bytes a Unix socket address holds.
	tmp, err := os.MkdirTemp("", "pbt-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(tmp) })
	cmd := exec.Command(bin, append([]string{"bench", "--quick", "--chromium", chromium}, args...)...)
	cmd.Dir = tmp
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
	return cmd, tmp
}

// TestBenchQuick runs `padron bench --quick --json`: every section is
// there with figures, every realtime client got exactly what it may see,
// and nothing it started is left: no process, no directory.
func TestBenchQuick(t *testing.T) {
	cmd, tmp := benchCmd(t, "--json")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("bench: %v\n%s", err, stderr.String())
	}
	var rep bench.Report
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatalf("stdout is not the JSON report: %v\n%.500s", err, stdout.String())
	}
	var names []string
	for _, s := range rep.Sections {
		names = append(names, s.Name)
		if len(s.Figures) == 0 {
			t.Errorf("section %s has no figures", s.Name)
		}
	}
	if !slices.Equal(names, bench.SectionNames) {
		t.Errorf("sections %v, want %v", names, bench.SectionNames)
	}
	figure := func(section, prefix string) (bench.Figure, bool) {
		for _, s := range rep.Sections {
			for _, f := range s.Figures {
				if s.Name == section && strings.HasPrefix(f.Name, prefix) {
					return f, true
				}
			}
		}
		return bench.Figure{}, false
	}
	for _, name := range []string{"events a client may not see", "events a client missed"} {
		if f, ok := figure(bench.SectionRealtime, name); !ok || f.Value != 0 {
			t.Errorf("realtime %q = %v (found %v), want 0", name, f.Value, ok)
		}
	}
	if f, ok := figure(bench.SectionRealtime, "events delivered"); !ok || f.Value == 0 {
		t.Errorf("realtime delivered %v events (found %v)", f.Value, ok)
	}
	// Día D: every mark stored, every dashboard got each mark below it and nothing else.
	for name, want := range map[string]float64{"marks stored": 1000, "events a dashboard never got": 0, "events a dashboard may not see": 0} {
		if f, ok := figure(bench.SectionDiaD, name); !ok || f.Value != want {
			t.Errorf("Día D %q = %v (found %v), want %v", name, f.Value, ok, want)
		}
	}
	// Every measured section says how busy the machine was.
	for _, section := range []string{bench.SectionPipeline, bench.SectionRegistration, bench.SectionRealtime, bench.SectionAPI} {
		for _, name := range []string{"load average (1 min)", "CPU of other processes"} {
			if f, ok := figure(section, name); !ok || f.Value < 0 || (name == "CPU of other processes" && (f.Value > 100 || !strings.Contains(f.Note, "server"))) {
				t.Errorf("%s: %q = %+v (found %v)", section, name, f, ok)
			}
		}
	}
	for _, name := range []string{"registrations/s ÷ logins/s", "server CPU per registration", "server CPU per login",
		"registrations/s ÷ logins/s, worker off", "registrations/s ÷ logins/s, worker on ÷ off"} {
		if f, ok := figure(bench.SectionRegistration, name); !ok || f.Value <= 0 {
			t.Errorf("registration %q = %v (found %v), want > 0", name, f.Value, ok)
		}
	}
	checkLeftNothing(t, tmp)
}

// TestBenchInterrupted sends Ctrl-C (SIGINT) while the servers' Chromium
// is busy: the command stops, and leaves nothing behind.
func TestBenchInterrupted(t *testing.T) {
	cmd, tmp := benchCmd(t)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	lines := bufio.NewScanner(stderr)
	var seen []string
	for lines.Scan() && !strings.Contains(lines.Text(), "bench: realtime:") {
		seen = append(seen, lines.Text())
	}
	if lines.Err() != nil || !strings.Contains(lines.Text(), "bench: realtime:") {
		t.Fatalf("bench never reached the realtime section:\n%s", strings.Join(seen, "\n"))
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		for lines.Scan() { // drain, so the command never blocks on stderr
		}
		done <- cmd.Wait()
	}()
	select {
	case err := <-done:
		if err == nil {
			t.Error("bench exited 0 after SIGINT, want a failure")
		}
	case <-time.After(90 * time.Second):
		t.Fatal("bench still running 90 s after SIGINT")
	}
	checkLeftNothing(t, tmp)
}

// checkLeftNothing fails if tmp holds anything or a process still runs
// with tmp on its command line (servers run on data dirs under it;
// Chromium's profiles live there).
func checkLeftNothing(t *testing.T, tmp string) {
	t.Helper()
	if left, err := os.ReadDir(tmp); err != nil || len(left) > 0 {
		t.Errorf("left in TMPDIR: %v (%v)", left, err)
	}
	deadline := time.Now().Add(10 * time.Second) // the kernel reaps orphans
	for {
		procs := processesMentioning(tmp)
		if len(procs) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Errorf("processes still running from the bench: %v", procs)
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// processesMentioning lists live processes whose command line holds s.
func processesMentioning(s string) []string {
	dir, _ := os.ReadDir("/proc")
	var out []string
	for _, d := range dir {
		if _, err := strconv.Atoi(d.Name()); err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", d.Name(), "cmdline"))
		if err == nil && bytes.Contains(b, []byte(s)) {
			out = append(out, d.Name()+": "+strings.ReplaceAll(string(b), "\x00", " "))
		}
	}
	return out
}
