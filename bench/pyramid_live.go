package bench

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"
)

// liveDepth is the depth of the registrations the live measurement makes:
// each new person has liveDepth people above them, the root included.
const liveDepth = 10

// liveChain is the people above a registration at liveDepth, nearest first
// (the referrer at liveDepth-1 down to the root), by index, outside the
// branch of avoid (the branch that moves afterwards, whose size the move
// checks); nil when the pyramid has no such person.
func liveChain(people []pyramidPerson, avoid int) []int {
	for i, p := range people {
		if p.depth != liveDepth-1 {
			continue
		}
		chain := []int{i}
		for j := p.parent; j >= 0; j = people[j].parent {
			chain = append(chain, j)
		}
		if !slices.Contains(chain, avoid) {
			return chain
		}
	}
	return nil
}

// liveHeard records, per ancestor, when each node's registration event
// reached their stream.
type liveHeard struct {
	mu     sync.Mutex
	at     []map[string]time.Time // by ancestor, node → first arrival
	change chan struct{}          // a token after every arrival
}

func (h *liveHeard) add(i int, ev sseEvent) {
	if ev.Action != "registration" || ev.Node == "" {
		return
	}
	h.mu.Lock()
	if _, ok := h.at[i][ev.Node]; !ok {
		h.at[i][ev.Node] = ev.At
	}
	h.mu.Unlock()
	select {
	case h.change <- struct{}{}:
	default:
	}
}

// all is when the last of the ancestors heard of node, and whether all did.
func (h *liveHeard) all(node string) (time.Time, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	var last time.Time
	for _, m := range h.at {
		t, ok := m[node]
		if !ok {
			return time.Time{}, false
		}
		if t.After(last) {
			last = t
		}
	}
	return last, true
}

// pyramidLive measures issue 16's live goal: n registrations at depth 10,
// one at a time, each under chain[0], with every one of the 10 people above
// (chain) holding the web app's /red subscription (topic "red"). A
// registration counts once all 10 streams carried it, within a deadline;
// its latency is the last arrival, measured from the request sent (the
// registration itself, bcrypt included, is in it) and from the record's
// created stamp (set when the save begins, after the password's hash).
func (r *runner) pyramidLive(ctx context.Context, sec *Section, c *client, pyr *pyramid, chain []int, n int) error {
	if len(chain) != liveDepth {
		return fmt.Errorf("bench: pyramid live: %d people above depth %d, want %d", len(chain), liveDepth, liveDepth)
	}
	r.progress("pyramid: %d registrations at depth %d, %d ancestors listening on the red topic", n, liveDepth, len(chain))
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	heard := &liveHeard{at: make([]map[string]time.Time, len(chain)), change: make(chan struct{}, 1)}
	for i, idx := range chain {
		heard.at[i] = map[string]time.Time{}
		err := subscribe(sctx, c, pyr.tokens[idx], []string{"red"}, func(ev sseEvent) { heard.add(i, ev) })
		if err != nil {
			return fmt.Errorf("bench: pyramid live: %w", err)
		}
	}
	code := pyr.people[chain[0]].code
	var fromSend, fromStamp []time.Duration
	for i := range n {
		body := map[string]any{
			"name": "Votante en Vivo", "cedula": fmt.Sprint(regCedulas + 10_000 + i), "phone": "3001234567",
			"password": password, "passwordConfirm": password, "data_policy_accepted": true, "ref": code,
		}
		var rec struct{ ID, Created string }
		sent := time.Now()
		if _, _, err := c.do(ctx, "POST", "/api/collections/users/records", "", body, 200, &rec); err != nil {
			return fmt.Errorf("bench: pyramid live registration: %w", err)
		}
		stamp, err := time.Parse("2006-01-02 15:04:05.000Z", rec.Created)
		if err != nil {
			return fmt.Errorf("bench: pyramid live: created %q: %w", rec.Created, err)
		}
		deadline := time.NewTimer(10 * time.Second)
		for {
			last, ok := heard.all(rec.ID)
			if ok {
				fromSend = append(fromSend, last.Sub(sent))
				fromStamp = append(fromStamp, last.Sub(stamp))
				break
			}
			select {
			case <-heard.change:
				continue
			case <-deadline.C:
				return fmt.Errorf("bench: pyramid live: registration %d (%s) did not reach all %d ancestors in 10 s", i, rec.ID, len(chain))
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		deadline.Stop()
	}
	note := fmt.Sprintf("n=%d, all %d ancestors got every one", n, len(chain))
	sec.addMs("registration at depth 10 → its 10 ancestors' /red streams, after the created stamp p50", percentile(fromStamp, 0.50), "")
	sec.addMs("registration at depth 10 → its 10 ancestors' /red streams, after the created stamp p99", percentile(fromStamp, 0.99), note+"; goal < 100 ms")
	sec.addMs("the same from the request sent (bcrypt included) p50", percentile(fromSend, 0.50), "")
	sec.addMs("the same from the request sent (bcrypt included) p99", percentile(fromSend, 0.99), "")
	return nil
}
