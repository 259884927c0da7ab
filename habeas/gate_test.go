package habeas

import (
	"testing"
	"time"
)

// TestGateCloseWaitsForTheRunInFlight: close does not return while a run
// that entered before it is in flight, returns once it leaves, and no run
// enters after it.
func TestGateCloseWaitsForTheRunInFlight(t *testing.T) {
	t.Parallel()
	var g runGate
	if !g.enter() {
		t.Fatal("an open gate refused a run")
	}
	done := make(chan struct{})
	go func() {
		g.close()
		close(done)
	}()
	select {
	case <-done:
		t.Fatal("close returned while a run was in flight")
	case <-time.After(100 * time.Millisecond):
	}
	g.leave()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("close did not return after the run left")
	}
	if g.enter() {
		t.Error("a closed gate let a run in")
	}
}
