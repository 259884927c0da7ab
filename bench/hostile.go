package bench

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// hostileClients is how many realtime clients the abuse figure connects.
const hostileClients = 8

// runHostile times a member's profile save (a users save, which realtime
// checks subscriptions against) while nobody listens, then while eight
// signed-in members each hold the most the realtime guard lets them: every
// collection's wildcard and the saved record under many options. An
// anonymous client asking for a thousand subscriptions is refused. The
// figure is the hostile p95 over the quiet p95 (goal: at most 1.5).
func runHostile(ctx context.Context, c *client, l leader, samples int, sec *Section) error {
	if len(l.referidos) < hostileClients+1 {
		return fmt.Errorf("hostile realtime: %d referidos, want %d", len(l.referidos), hostileClients+1)
	}
	target := l.referidos[0]
	names := []string{"Persona Alfa", "Persona Beta"}
	save := func(n int) ([]time.Duration, error) {
		durs := make([]time.Duration, 0, n)
		for i := range n {
			d, _, err := c.do(ctx, http.MethodPatch, "/api/collections/users/records/"+target.id, target.token,
				map[string]any{"name": names[i%2]}, http.StatusOK, nil)
			if err != nil {
				return nil, fmt.Errorf("hostile realtime: profile save: %w", err)
			}
			durs = append(durs, d)
		}
		return durs, nil
	}
	quiet, err := save(samples)
	if err != nil {
		return err
	}

	hctx, cancel := context.WithCancel(ctx)
	defer cancel() // closes the hostile streams
	ignore := func(sseEvent) {}
	for i := range hostileClients {
		topics := []string{"users/*", "cedula_info/*", "referidos/*", "users/" + target.id}
		for j := 0; len(topics) < 50; j++ {
			topics = append(topics, "users/"+target.id+"?options="+url.QueryEscape(fmt.Sprintf(`{"query":{"n":"%d"}}`, j)))
		}
		// The guard refuses the same record under other options: keep the
		// topics it accepts (the four first), as a hostile client would.
		if err := subscribe(hctx, c, l.referidos[1+i].token, topics, ignore); err == nil {
			return errors.New("hostile realtime: the guard let one record be subscribed under many options")
		}
		if err := subscribe(hctx, c, l.referidos[1+i].token, topics[:4], ignore); err != nil {
			return fmt.Errorf("hostile realtime: client %d: %w", i, err)
		}
	}
	anon := make([]string, 1000)
	for i := range anon {
		anon[i] = "cedula_info/*?options=" + url.QueryEscape(fmt.Sprintf(`{"query":{"n":"%d"}}`, i))
	}
	anonRefused := subscribe(hctx, c, "", anon, ignore) != nil
	hostile, err := save(samples)
	if err != nil {
		return err
	}
	q, h := percentile(quiet, 0.95), percentile(hostile, 0.95)
	sec.addMs("profile save p95, nobody listening", q, fmt.Sprintf("n=%d", samples))
	sec.addMs(fmt.Sprintf("profile save p95, %d hostile clients", hostileClients), h,
		"each at the guard's limit: every wildcard and the saved record")
	sec.add("hostile ÷ quiet save p95", float64(h)/float64(max(q, time.Microsecond)), "×", "goal ≤ 1.5")
	refused := 0.0
	if anonRefused {
		refused = 1
	}
	sec.add("anonymous 1,000-subscription client refused", refused, "", "1 = refused by the realtime guard")
	return nil
}
