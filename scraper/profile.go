package scraper

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// profileDirName is the directory under the temp dir that holds Padrón's
// Chromium profiles, apart from other Rod users' (which we never touch).
const profileDirName = "padron-chromium"

// staleProfileAge is how old a profile without Chromium's lock must be
// before a sweep takes it for a leftover; a browser starting up creates the
// lock within a second.
const staleProfileAge = 10 * time.Minute

// profileRoot is where each launch's throwaway profile is created.
func profileRoot() string { return filepath.Join(os.TempDir(), profileDirName) }

// newProfileDir names a fresh profile directory under root; Chromium
// creates it, and Rod's launcher removes it when the browser exits.
func newProfileDir(root string) (string, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("naming a chromium profile: %w", err)
	}
	return filepath.Join(root, hex.EncodeToString(b[:])), nil
}

// sweepProfiles removes the profiles under root whose browser is gone. A
// profile is removed by Rod when its browser exits, except when Padrón
// itself was killed (kill -9, the OOM killer): Leakless then kills
// Chromium, but nobody deletes its directory. It returns how many it
// removed and the first error met.
func sweepProfiles(root string, now time.Time) (int, error) {
	if _, err := os.Stat("/proc/self"); err != nil {
		return 0, nil // no /proc to tell a live browser from a dead one
	}
	entries, err := os.ReadDir(root)
	if os.IsNotExist(err) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("listing chromium profiles: %w", err)
	}
	host, _ := os.Hostname()
	removed := 0
	var first error
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		dir := filepath.Join(root, e.Name())
		if profileInUse(dir, host, now) {
			continue
		}
		if err := os.RemoveAll(dir); err != nil {
			if first == nil {
				first = fmt.Errorf("removing stale chromium profile: %w", err)
			}
			continue
		}
		removed++
	}
	return removed, first
}

// profileInUse reports whether a live Chromium may still own dir. Chromium
// keeps a SingletonLock symlink to "host-pid" in its profile; the profile
// is in use while that process lives with dir on its command line. Without
// a lock, a young profile is presumed to be starting up. When in doubt
// (another host's lock, an unreadable one) it answers true.
func profileInUse(dir, host string, now time.Time) bool {
	target, err := os.Readlink(filepath.Join(dir, "SingletonLock"))
	if err != nil {
		info, serr := os.Stat(dir)
		return serr != nil || now.Sub(info.ModTime()) < staleProfileAge
	}
	i := strings.LastIndexByte(target, '-')
	if i < 0 || target[:i] != host {
		return true
	}
	pid, err := strconv.Atoi(target[i+1:])
	if err != nil {
		return true
	}
	cmdline, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
	if err != nil {
		return false // no such process
	}
	return strings.Contains(string(cmdline), dir)
}
