package broker

import (
	"testing"
	"time"
)

// TestBookCountsNamesItsKeyOwns: the status list counts an answer under
// the agent name it carries, before any heartbeat and with no key known
// (an external broker) too; an answer published by one key's connection
// that names an agent another key's heartbeats go by is not counted there.
func TestBookCountsNamesItsKeyOwns(t *testing.T) {
	t.Parallel()
	b := newBook()
	for range 2 {
		if !b.answered("portatil", "k1") {
			t.Fatal("an answer before any heartbeat was not counted")
		}
	}
	b.keyed("portatil", "k1")
	if !b.answered("portatil", "k1") {
		t.Fatal("k1's answer under k1's agent's name was not counted")
	}
	if b.answered("portatil", "k2") {
		t.Fatal("k2's answer counted under k1's agent's name")
	}
	if !b.answered("portatil", "") {
		t.Fatal("an answer of no known key (external broker) was not counted by its name")
	}
	if b.counts["portatil"] != 4 {
		t.Fatalf("in-memory count %d, want 4", b.counts["portatil"])
	}
}

// TestPublisherIsTheConnectionOpenWhenStored: an answer credits the key
// of the connection its subject names only if that connection was open
// when the broker stored it. Connection ids start again at each broker
// start, so an answer kept in the store from before a restart must not
// credit the new connection that took its id; one stored while its
// connection was open still credits it after the connection closed.
func TestPublisherIsTheConnectionOpenWhenStored(t *testing.T) {
	t.Parallel()
	a := NewAuth(nil, nil)
	t0 := time.Now()
	a.conns[5] = agentConn{keyID: "nueva", since: t0}
	a.conns[6] = agentConn{keyID: "cerrada", since: t0.Add(-time.Hour), closed: t0.Add(-time.Minute)}
	for _, c := range []struct {
		id     uint64
		stored time.Time
		want   string
	}{
		{5, t0.Add(-time.Second), ""}, // stored before connection 5 opened: another broker's connection 5
		{5, t0, "nueva"},
		{5, t0.Add(time.Second), "nueva"},
		{6, t0.Add(-2 * time.Minute), "cerrada"}, // stored while open, applied after it closed
		{6, t0, ""},                              // after it closed: not its answer
		{7, t0, ""},                              // unknown connection (the server's own)
	} {
		got, ok := a.Publisher(c.id, c.stored)
		if got != c.want || ok != (c.want != "") {
			t.Errorf("Publisher(%d, %v) = %q, %v; want %q", c.id, c.stored.Sub(t0), got, ok, c.want)
		}
	}
}
