package scraper

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// TestSweepProfiles checks a sweep removes exactly the profiles no live
// Chromium owns: a dead browser's, one whose pid now belongs to another
// program, and an old lockless one; it keeps a live browser's, a young
// lockless one (a browser starting up) and another host's.
func TestSweepProfiles(t *testing.T) {
	root := t.TempDir()
	host, err := os.Hostname()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	profile := func(name, lock string, age time.Duration) string {
		dir := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Join(dir, "Default"), 0o700); err != nil {
			t.Fatal(err)
		}
		if lock != "" {
			if err := os.Symlink(lock, filepath.Join(dir, "SingletonLock")); err != nil {
				t.Fatal(err)
			}
		}
		old := now.Add(-age)
		if err := os.Chtimes(dir, old, old); err != nil {
			t.Fatal(err)
		}
		return dir
	}

	// A process that has exited: its pid is free (or someone else's).
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	// A live "browser" whose command line names its profile.
	liveDir := filepath.Join(root, "live")
	live := exec.Command("sh", "-c", "read x", "sh", "--user-data-dir="+liveDir)
	stdin, err := live.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := live.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stdin.Close(); _ = live.Wait() })

	lockOf := func(pid int) string { return host + "-" + strconv.Itoa(pid) }
	keep := []string{
		profile("live", lockOf(live.Process.Pid), time.Hour),
		profile("starting", "", time.Second),
		profile("other-host", "elsewhere-"+strconv.Itoa(dead.Process.Pid), time.Hour),
	}
	gone := []string{
		profile("dead", lockOf(dead.Process.Pid), time.Hour),
		profile("pid-reused", lockOf(os.Getpid()), time.Hour), // alive, but not a browser of this profile
		profile("old-lockless", "", staleProfileAge+time.Minute),
	}

	n, err := sweepProfiles(root, now)
	if err != nil {
		t.Fatal(err)
	}
	if n != len(gone) {
		t.Errorf("removed %d profiles, want %d", n, len(gone))
	}
	for _, dir := range keep {
		if _, err := os.Stat(dir); err != nil {
			t.Errorf("%s was removed: %v", filepath.Base(dir), err)
		}
	}
	for _, dir := range gone {
		if _, err := os.Stat(dir); !os.IsNotExist(err) {
			t.Errorf("%s survived the sweep (%v)", filepath.Base(dir), err)
		}
	}
	if n, err := sweepProfiles(filepath.Join(root, "missing"), now); n != 0 || err != nil {
		t.Errorf("sweeping a missing root: %d, %v; want nothing to do", n, err)
	}
}
