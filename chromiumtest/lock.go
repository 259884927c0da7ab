package chromiumtest

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"syscall"
)

// LockFile is the file whose lock one browser-test process at a time holds,
// so `go test ./...` runs packages in parallel while those that drive
// Chromium take turns: two of them at once on a 2-core machine starve each
// other's lookups past their deadlines.
var LockFile = filepath.Join(os.TempDir(), "padron-chromium-tests.lock")

var (
	lockOnce sync.Once
	lockErr  error
)

// lockProcess takes the browser-test lock for the rest of this test process
// (the kernel releases it when the process exits, however it exits).
func lockProcess() error {
	lockOnce.Do(func() {
		f, err := os.OpenFile(LockFile, os.O_CREATE|os.O_RDWR, 0o666)
		if err != nil {
			lockErr = fmt.Errorf("open %s: %w", LockFile, err)
			return
		}
		if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
			lockErr = fmt.Errorf("lock %s: %w", LockFile, err)
			f.Close()
			return
		}
		// f stays open, deliberately: closing it would release the lock.
	})
	return lockErr
}
