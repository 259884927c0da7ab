package habeas

import (
	"sync/atomic"
	"testing"
)

// TestGateCloseWaitsForTheRunInFlight: close returns only after a run that
// entered before it has left, and no run enters after it.
func TestGateCloseWaitsForTheRunInFlight(t *testing.T) {
	t.Parallel()
	var g runGate
	if !g.enter() {
		t.Fatal("an open gate refused a run")
	}
	var finished atomic.Bool
	closed := make(chan bool)
	go func() {
		g.close()
		closed <- finished.Load()
	}()
	finished.Store(true)
	g.leave()
	if !<-closed {
		t.Error("close returned while a run was in flight")
	}
	if g.enter() {
		t.Error("a closed gate let a run in")
	}
}
