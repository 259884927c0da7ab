package broker_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/padron/padron/agent"
	"github.com/padron/padron/worker"
)

// TestAgentDemandIsTheQueue: an agent's captcha token demand is the checks
// waiting in the broker's queue (which it pulls as its slots free), so its
// pipeline buys their tokens ahead as the in-process worker's does; none
// while its breaker is open, none when the queue is empty.
func TestAgentDemandIsTheQueue(t *testing.T) {
	t.Parallel()
	e := setup(t, 0)
	l := &lookup{hold: make(chan struct{}), held: make(chan string, 16)}
	br := worker.NewBreaker(1, time.Hour, time.Hour, clockwork.NewRealClock(), nil)
	a, err := agent.New(e.connect(t, "uno"), agent.Config{Name: "uno", Slots: 1, Lookup: l, Breaker: br, Grace: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if n := a.Demand(16); n != 0 {
		t.Errorf("demand %d before the agent runs, want 0", n)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { _ = a.Run(ctx) })
	t.Cleanup(func() { cancel(); wg.Wait() })
	e.addUsers(t, 6)
	<-l.held // one slot busy; the worker's other claims wait in the queue
	// 6 users + 2 seeded checks, all claimed at once (concurrency 8): 7 wait.
	waitFor(t, 10*time.Second, "the demand reading the queue", func() bool { return a.Demand(16) == 7 })
	if n := a.Demand(3); n != 3 {
		t.Errorf("demand %d with limit 3, want 3", n)
	}
	br.Blocked() // the registrar blocked this agent's address: buy nothing
	if n := a.Demand(16); n != 0 {
		t.Errorf("demand %d with the breaker open, want 0", n)
	}
}
