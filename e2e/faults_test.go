package e2e_test

import (
	"net/http"
	"os"
	"runtime"
	"strconv"
	"testing"
	"time"
)

// The fault suite's long runs are behind PADRON_FAULTS=long; without it
// each fault test runs its quick version, sized for CI.
const faultsEnv = "PADRON_FAULTS"

// faultsLong reports whether the long fault runs were asked for.
func faultsLong() bool { return os.Getenv(faultsEnv) == "long" }

// sized picks the quick or the long figure of a fault test.
func sized(quick, long int) int {
	if faultsLong() {
		return long
	}
	return quick
}

// faultSeed is the seed of a fault test's random choices:
// PADRON_FAULTS_SEED replays a run the test logged, def is the default.
func faultSeed(t testing.TB, def uint64) uint64 {
	t.Helper()
	if s := os.Getenv("PADRON_FAULTS_SEED"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("PADRON_FAULTS_SEED=%q: %v", s, err)
		}
		return n
	}
	return def
}

// checkNoGoroutineLeak waits until the process has no more goroutines than
// before (plus slack), closing the default client's idle connections, and
// fails with every stack if it never gets there.
func checkNoGoroutineLeak(t *testing.T, before, slack int, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		http.DefaultClient.CloseIdleConnections()
		n := runtime.NumGoroutine()
		if n <= before+slack {
			t.Logf("goroutines: %d before, %d after", before, n)
			return
		}
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			buf = buf[:runtime.Stack(buf, true)]
			t.Fatalf("goroutine leak: %d before, %d after %v\n%s", before, n, within, buf)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
