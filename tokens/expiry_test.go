package tokens

import (
	"context"
	"testing"
	"time"
)

// take takes a token on the fake clock, solving one if none is ready.
func take(t *testing.T, p *Pipeline, f *fakeSolver) *Token {
	t.Helper()
	got := make(chan *Token, 1)
	go func() {
		tok, err := p.Take(t.Context())
		if err != nil {
			t.Error(err)
		}
		got <- tok
	}()
	deadline := time.Now().Add(5 * time.Second)
	for p.Status().Waiting == 0 {
		select {
		case tok := <-got: // a ready token was fresh enough
			return tok
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("Take is not waiting")
		}
		time.Sleep(time.Millisecond)
	}
	p.plan()
	settle(t, p, f)
	f.clock.Advance(f.solve)
	f.release()
	settle(t, p, f)
	select {
	case tok := <-got:
		return tok
	case <-time.After(5 * time.Second):
		t.Fatalf("no token: %+v", p.Status())
		return nil
	}
}

// TestOldTokenNeverHandedOut checks a ready token too old to submit is
// dropped and counted as expired, and the caller gets a fresh one.
func TestOldTokenNeverHandedOut(t *testing.T) {
	t.Parallel()
	p, f, clock := newTestPipeline(t, Config{Lifetime: 110 * time.Second, TakeMargin: 20 * time.Second, InitialSolve: time.Second})
	old := take(t, p, f)
	old.Return() // never submitted: ready again
	if st := p.Status(); st.Ready != 1 || st.Expired != 0 {
		t.Fatalf("returned token: %+v, want it ready", st)
	}
	clock.Advance(89 * time.Second) // 90 s old with the solve: 20 s of life left
	tok := take(t, p, f)
	if tok.Value != old.Value {
		t.Fatalf("a token with 20 s of life left was not handed out")
	}
	tok.Return()
	clock.Advance(time.Second) // less than 20 s left: too old to hand out
	fresh := take(t, p, f)
	if fresh.Value == old.Value {
		t.Fatalf("a token %v old was handed out again", clock.Since(old.Solved))
	}
	if st := p.Status(); st.Expired != 1 || st.Bought != 2 {
		t.Errorf("status %+v, want 1 expired of 2 bought", st)
	}
	if !fresh.Fresh() {
		t.Errorf("the fresh token is not Fresh")
	}
	clock.Advance(110 * time.Second)
	if fresh.Fresh() {
		t.Errorf("a token at its lifetime is still Fresh: a lookup would submit it")
	}
	fresh.Expire()
	if st := p.Status(); st.Expired != 2 || st.Held != 0 || st.WastePercent != 100 {
		t.Errorf("status %+v, want 2 expired, none held, 100 %% waste", st)
	}
}

// TestTakeGivesUp checks a caller that gives up leaves no waiter behind
// and a token solved for it stays ready for the next.
func TestTakeGivesUp(t *testing.T) {
	t.Parallel()
	p, f, clock := newTestPipeline(t, Config{InitialSolve: time.Second})
	ctx, cancel := context.WithCancel(t.Context())
	errc := make(chan error, 1)
	go func() {
		_, err := p.Take(ctx)
		errc <- err
	}()
	deadline := time.Now().Add(5 * time.Second)
	for p.Status().InFlight == 0 {
		p.plan()
		if time.Now().After(deadline) {
			t.Fatal("no solve for a waiting caller")
		}
		time.Sleep(time.Millisecond)
	}
	settle(t, p, f)
	cancel()
	if err := <-errc; err == nil {
		t.Fatal("Take returned no error after its context ended")
	}
	clock.Advance(time.Second)
	f.release()
	settle(t, p, f)
	if st := p.Status(); st.Ready != 1 || st.Held != 0 {
		t.Errorf("status %+v, want the token ready and none held", st)
	}
}
