package broker

import "testing"

// TestAnswersBeforeTheFirstHeartbeatReachTheKey: an agent's answers can be
// applied before the server has read the heartbeat that names its key
// (both arrive on their own subscriptions); they wait in memory and the
// key gets them when it is known, after which answers count at once.
func TestAnswersBeforeTheFirstHeartbeatReachTheKey(t *testing.T) {
	t.Parallel()
	b := newBook()
	for range 3 {
		if key := b.answered("portatil"); key != "" {
			t.Fatalf("key %q before any heartbeat", key)
		}
	}
	if n := b.keyed("portatil", "k1"); n != 3 {
		t.Fatalf("answers waiting for the key: %d, want 3", n)
	}
	if n := b.keyed("portatil", "k1"); n != 0 {
		t.Fatalf("a second heartbeat hands over %d answers again, want 0", n)
	}
	if key := b.answered("portatil"); key != "k1" {
		t.Fatalf("key %q after the heartbeat, want k1", key)
	}
	if n := b.keyed("portatil", "k1"); n != 0 {
		t.Fatalf("an answer counted on the key is handed over again: %d", n)
	}
	if b.counts["portatil"] != 4 {
		t.Fatalf("in-memory count %d, want 4", b.counts["portatil"])
	}
}
