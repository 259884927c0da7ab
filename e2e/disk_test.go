package e2e_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestDiskFullAndReadOnly runs the server binary on a small tmpfs of its
// own. When the disk fills up, registrations are refused with 507 and a
// stable code (never PocketBase's generic 400), the log says so, and the
// server keeps serving; once space is freed it registers again. A
// read-only data directory stops the binary at start with a message naming
// it. Throughout, nothing committed is lost. Needs root (mount); skipped
// with a message elsewhere.
func TestDiskFullAndReadOnly(t *testing.T) {
	t.Parallel()
	bin := binary(t)
	tmp := t.TempDir()
	mnt := filepath.Join(tmp, "disk")
	if err := os.Mkdir(mnt, 0o755); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a small tmpfs to fill (needs root or CAP_SYS_ADMIN): %v %s", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", "-l", mnt).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v %s", mnt, err, out)
		}
	})
	logs := filepath.Join(tmp, "logs") // off the full disk, so the log survives
	if err := os.Mkdir(logs, 0o755); err != nil {
		t.Fatal(err)
	}
	s := &proc{t: t, bin: bin, dir: filepath.Join(mnt, "pb_data"), logDir: logs, env: append(os.Environ(),
		"PADRON_WORKER=false", "PADRON_PUBLIC_DIR="+filepath.Join(tmp, "no-frontend"))}
	s.superuser()
	s.start()
	t.Cleanup(func() {
		if s.cmd.ProcessState == nil {
			s.stop()
		}
	})
	s.patch(s.superToken(), "/api/settings", `{"rateLimits":{"enabled":false}}`)

	register := func(ced string) (int, []byte) {
		return s.post("", "/api/collections/users/records", fmt.Sprintf(`{"name":"Persona Disco","cedula":%q,"phone":"3001234567","password":"clave-segura-123","passwordConfirm":"clave-segura-123","data_policy_accepted":true}`, ced))
	}
	var committed []string
	for i := range 5 {
		ced := fmt.Sprint(91000000 + i)
		if status, out := register(ced); status != http.StatusOK {
			t.Fatalf("register %s: HTTP %d %s", ced, status, out)
		}
		committed = append(committed, ced)
	}

	// Fill the disk.
	filler := filepath.Join(mnt, "filler")
	fill(t, filler)
	for i := range 3 {
		ced := fmt.Sprint(91000100 + i)
		status, out := register(ced)
		var answer struct {
			Message string
			Data    struct{ Code string }
		}
		_ = json.Unmarshal(out, &answer)
		if status != http.StatusInsufficientStorage || answer.Data.Code != "storage_full" || !strings.Contains(answer.Message, "espacio") {
			t.Errorf("register on a full disk: HTTP %d %s, want 507 storage_full in Spanish", status, out)
		}
	}
	if status, _ := s.send(http.MethodGet, "", "/api/health", ""); status != http.StatusOK {
		t.Errorf("health on a full disk: HTTP %d", status)
	}
	s.checkUsers(committed)
	if log := readLogs(t, logs); !strings.Contains(log, "kind=storage_full") || !strings.Contains(log, s.dir) {
		t.Errorf("the log does not report the full disk:\n%s", log)
	}

	// Space again: registrations work.
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	ced := fmt.Sprint(91000200)
	if status, out := register(ced); status != http.StatusOK {
		t.Fatalf("register after freeing space: HTTP %d %s", status, out)
	}
	committed = append(committed, ced)
	s.stop()

	// A read-only data directory: the binary refuses to start, saying why.
	if out, err := exec.Command("mount", "-o", "remount,ro", mnt).CombinedOutput(); err != nil {
		t.Fatalf("remount read-only: %v %s", err, out)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "serve", "--dir", s.dir, "--http", "127.0.0.1:0")
	cmd.Env = s.env
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || !strings.Contains(string(out), "data directory "+s.dir+" cannot be written") {
		t.Errorf("start on a read-only data dir: %v, want a non-zero exit naming the dir:\n%s", err, out)
	}
	if out, err := exec.Command("mount", "-o", "remount,rw", mnt).CombinedOutput(); err != nil {
		t.Fatalf("remount read-write: %v %s", err, out)
	}

	// Nothing committed was lost, and nothing half-made was kept.
	s.start()
	s.checkUsers(committed)
}

// fill writes path until the disk is full.
func fill(t *testing.T, path string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	buf := make([]byte, 64<<10)
	for {
		if _, err := f.Write(buf); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("filling the disk: %v", err)
			}
			return
		}
	}
}

// checkUsers checks the users are exactly the cédulas given, each with its
// cedula_info.
func (s *proc) checkUsers(cedulas []string) {
	s.t.Helper()
	token := s.superToken()
	var users []struct{ ID, Cedula string }
	s.getAll(token, "/api/collections/users/records", &users)
	var infos []struct{ User string }
	s.getAll(token, "/api/collections/cedula_info/records", &infos)
	got := map[string]bool{}
	for _, u := range users {
		got[u.Cedula] = true
	}
	for _, c := range cedulas {
		if !got[c] {
			s.t.Errorf("user %s lost", c)
		}
	}
	if len(users) != len(cedulas) || len(infos) != len(users) {
		s.t.Errorf("%d users and %d cedula_info, want %d of each", len(users), len(infos), len(cedulas))
	}
}

// readLogs concatenates every server log in dir.
func readLogs(t *testing.T, dir string) string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "server-*.log"))
	var b strings.Builder
	for _, f := range files {
		out, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(out)
	}
	return b.String()
}
