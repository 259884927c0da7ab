package bench

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/padron/padron/census"
	"github.com/padron/padron/schema"
)

// listener is one realtime client and what it may see.
type listener struct {
	allowed map[string]bool // cedula_info ids its rules let it see

	mu     sync.Mutex
	events []sseEvent
}

func (l *listener) add(ev sseEvent) {
	l.mu.Lock()
	l.events = append(l.events, ev)
	l.mu.Unlock()
}

func (l *listener) snapshot() []sseEvent {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]sseEvent(nil), l.events...)
}

// realtimeResult is what the fan-out measured.
type realtimeResult struct {
	subscribers, leaders, checks int
	changes                      int // distinct record states announced
	delivered                    int // events read by clients
	p50, p99                     time.Duration
	foreign                      int // events a client may not see, or about no change
	missing                      int // states a client should have got but did not
	duplicates                   int // states a client got more than once
	stale                        int // events whose updated stamp predates the refresh
	took                         time.Duration
	// The deliveries at p99 or slower: how many, and how many of them were
	// late for every client of their state (the save or the broadcast was
	// late) rather than for one stream while another got it in time.
	slow, slowEverywhere int
	slowStates           map[string]int // the slow deliveries by the status they carried
}

// runRealtime connects every seeded leader (to cedula_info/*) and member
// (to their own record by id) over SSE with their own tokens, has every
// leader bulk-refresh their first perLeader referidos, and waits until
// every check is final for both the member and their leader; members
// whose record did not change must get nothing. Refreshes start at
// notBefore, once the server's refresh cooldown allows them. Latency is from the record's
// updated stamp (set as the save begins; millisecond resolution) to the
// client reading the event.
func runRealtime(ctx context.Context, c *client, seed seeded, perLeader int, notBefore time.Time, perCheck time.Duration) (realtimeResult, error) {
	var res realtimeResult
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // closes every stream

	type sub struct {
		token, topic string
		l            *listener
	}
	var subs []sub
	leaderOf := map[string]*listener{}
	memberOf := map[string]*listener{}
	var quiet []*listener // members whose record does not change
	for _, ld := range seed.leaders {
		ll := &listener{allowed: map[string]bool{ld.infoID: true}}
		for i, r := range ld.referidos {
			ll.allowed[r.infoID] = true
			ml := &listener{allowed: map[string]bool{r.infoID: true}}
			if i < perLeader {
				memberOf[r.infoID], leaderOf[r.infoID] = ml, ll
			} else {
				quiet = append(quiet, ml)
			}
			subs = append(subs, sub{r.token, schema.CedulaInfoCollection + "/" + r.infoID, ml})
		}
		subs = append(subs, sub{ld.token, schema.CedulaInfoCollection + "/*", ll})
		res.leaders++
	}
	res.subscribers = len(subs)
	streams := ctx // the streams must outlive runConcurrent's own context
	if _, _, err := runConcurrent(ctx, len(subs), 50, func(_ context.Context, i int) (time.Duration, error) {
		return 0, subscribe(streams, c, subs[i].token, []string{subs[i].topic}, subs[i].l.add)
	}); err != nil {
		return res, fmt.Errorf("connecting %d subscribers: %w", len(subs), err)
	}

	// Wait out the refresh cooldown of records checked just before.
	select {
	case <-ctx.Done():
		return res, ctx.Err()
	case <-time.After(time.Until(notBefore)):
	}
	start := time.Now()
	since := start.Truncate(time.Millisecond) // stamps have millisecond resolution
	for _, ld := range seed.leaders {
		ids := make([]string, min(perLeader, len(ld.referidos)))
		for i := range ids {
			ids[i] = ld.referidos[i].id
		}
		var out struct{ Queued int }
		if _, _, err := c.do(ctx, http.MethodPost, "/api/census/bulk-refresh", ld.token, map[string]any{"ids": ids, "all": true}, http.StatusOK, &out); err != nil {
			return res, err
		}
		if out.Queued != len(ids) {
			return res, fmt.Errorf("leader %s: bulk refresh queued %d of %d", ld.id, out.Queued, len(ids))
		}
		res.checks += out.Queued
	}

	// Done when every member and their leader hold the same states of the
	// member's record, the last of them final.
	settled := func() (missing int, done bool) {
		done = true
		leaderSeen := map[*listener]map[string]bool{}
		for info, ml := range memberOf {
			ll := leaderOf[info]
			if leaderSeen[ll] == nil {
				leaderSeen[ll] = keysOf(ll.snapshot())
			}
			mine := keysOf(ml.snapshot())
			final := false
			for _, ev := range ml.snapshot() {
				final = final || (!ev.Stamp.Before(since) && !census.IsInFlight(ev.Status))
			}
			if !final {
				done = false
			}
			for k := range mine {
				if !leaderSeen[ll][k] {
					missing++
				}
			}
			for k := range leaderSeen[ll] {
				if strings.HasPrefix(k, info+" ") && !mine[k] {
					missing++
				}
			}
		}
		return missing, done && missing == 0
	}
	patience := 2*time.Minute + time.Duration(res.checks)*perCheck
	deadline := time.Now().Add(patience)
	for {
		missing, done := settled()
		if done {
			break
		}
		if time.Now().After(deadline) {
			res.missing = missing
			if missing == 0 {
				return res, fmt.Errorf("realtime: checks not final after %s: %s", patience, progressOf(memberOf, leaderOf))
			}
			break
		}
		select {
		case <-ctx.Done():
			return res, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	res.took = time.Since(start)

	var lat []time.Duration
	type delivery struct {
		key, status string
		lat         time.Duration
	}
	var deliveries []delivery
	changes := map[string]bool{}
	for _, s := range subs {
		seen := map[string]bool{}
		for _, ev := range s.l.snapshot() {
			if !s.l.allowed[ev.ID] {
				res.foreign++
				continue
			}
			if seen[ev.key()] {
				res.duplicates++
			}
			seen[ev.key()] = true
			res.delivered++
			changes[ev.key()] = true
			if ev.Stamp.Before(since) {
				res.stale++ // announced without a new stamp: no commit time to measure from
				continue
			}
			lat = append(lat, ev.At.Sub(ev.Stamp))
			deliveries = append(deliveries, delivery{ev.key(), ev.Status, ev.At.Sub(ev.Stamp)})
		}
	}
	for _, ml := range quiet {
		res.foreign += len(ml.snapshot()) // nothing happened to their record
	}
	res.changes = len(changes)
	res.p50, res.p99 = percentile(lat, 0.50), percentile(lat, 0.99)
	first := map[string]time.Duration{} // each state's quickest delivery
	for _, d := range deliveries {
		if f, ok := first[d.key]; !ok || d.lat < f {
			first[d.key] = d.lat
		}
	}
	res.slowStates = map[string]int{}
	for _, d := range deliveries {
		if d.lat >= res.p99 && res.p99 > 0 {
			res.slow++
			res.slowStates[d.status]++
			if first[d.key] >= res.p99/2 {
				res.slowEverywhere++
			}
		}
	}
	return res, nil
}

// keysOf is the set of states in evs.
func keysOf(evs []sseEvent) map[string]bool {
	out := map[string]bool{}
	for _, ev := range evs {
		out[ev.key()] = true
	}
	return out
}

// progressOf says how far the clients got, for a run that stalls.
func progressOf(memberOf, leaderOf map[string]*listener) string {
	var members, final, leaderEvents int
	for _, ml := range memberOf {
		evs := ml.snapshot()
		if len(evs) > 0 {
			members++
		}
		for _, ev := range evs {
			if !census.IsInFlight(ev.Status) {
				final++
				break
			}
		}
	}
	seen := map[*listener]bool{}
	for _, ll := range leaderOf {
		if !seen[ll] {
			seen[ll] = true
			leaderEvents += len(ll.snapshot())
		}
	}
	return fmt.Sprintf("%d of %d members got events, %d a final one; leaders got %d events", members, len(memberOf), final, leaderEvents)
}
