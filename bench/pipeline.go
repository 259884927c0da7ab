package bench

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/padron/padron/census"
	"github.com/padron/padron/schema"
)

// pipelineRun is one pass of N registrations through the whole pipeline.
type pipelineRun struct {
	n          int
	conc       int           // registrations sent at once
	pacing     time.Duration // the server's pacing; 0 = off
	captcha    time.Duration // the fake captcha's solve time
	firstCed   int
	superToken string
}

// pipelineResult is what one pass measured.
type pipelineResult struct {
	perMinute    float64       // steady throughput: (n-1) finals over first→last final
	p50, p95     time.Duration // register → final
	wall         time.Duration // first registration → last final
	finalAnswers int           // checks that ended with the registrar's answer
}

// runPipeline registers run.n people through HTTP and waits, on a
// superuser's realtime stream, until every one's check is final.
func runPipeline(ctx context.Context, c *client, run pipelineRun) (pipelineResult, error) {
	var res pipelineResult
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	var mu sync.Mutex
	finals := map[string]sseEvent{} // user → first final event
	allFinal := make(chan struct{})
	want := run.n
	err := subscribe(ctx, c, run.superToken, []string{schema.CedulaInfoCollection + "/*"}, func(ev sseEvent) {
		if census.IsInFlight(ev.Status) || ev.Status == "" {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if _, seen := finals[ev.User]; !seen {
			finals[ev.User] = ev
			if len(finals) == want {
				close(allFinal)
			}
		}
	})
	if err != nil {
		return res, err
	}

	started := make([]time.Time, run.n)
	users := make([]string, run.n)
	_, _, err = runConcurrent(ctx, run.n, run.conc, func(ctx context.Context, i int) (time.Duration, error) {
		started[i] = time.Now()
		id, err := register(ctx, c, fmt.Sprint(run.firstCed+i))
		users[i] = id
		return 0, err
	})
	if err != nil {
		return res, fmt.Errorf("registering: %w", err)
	}

	// Generous: every check one after the other, at the slowest.
	patience := time.Minute + time.Duration(run.n)*(run.captcha+run.pacing+5*time.Second)
	select {
	case <-allFinal:
	case <-ctx.Done():
		return res, ctx.Err()
	case <-time.After(patience):
		mu.Lock()
		defer mu.Unlock()
		return res, fmt.Errorf("only %d of %d checks final after %s", len(finals), run.n, patience)
	}

	mu.Lock()
	defer mu.Unlock()
	lat := make([]time.Duration, 0, run.n)
	var first, last time.Time
	for i, u := range users {
		ev, ok := finals[u]
		if !ok {
			return res, fmt.Errorf("user %s: no final event (a final event came for someone else)", u)
		}
		if census.IsAnswer(ev.Status) {
			res.finalAnswers++
		}
		lat = append(lat, ev.Stamp.Sub(started[i]))
		if first.IsZero() || ev.Stamp.Before(first) {
			first = ev.Stamp
		}
		if ev.Stamp.After(last) {
			last = ev.Stamp
		}
	}
	res.wall = last.Sub(earliest(started))
	if span := last.Sub(first); run.n > 1 && span > 0 {
		res.perMinute = float64(run.n-1) / span.Minutes()
	}
	res.p50, res.p95 = percentile(lat, 0.50), percentile(lat, 0.95)
	return res, nil
}

func earliest(ts []time.Time) time.Time {
	e := ts[0]
	for _, t := range ts[1:] {
		if t.Before(e) {
			e = t
		}
	}
	return e
}

// register signs a person up as the web app does and returns their id.
func register(ctx context.Context, c *client, cedula string) (string, error) {
	body := map[string]any{
		"name": "Votante de Prueba", "cedula": cedula, "phone": "3001234567",
		"password": password, "passwordConfirm": password, "data_policy_accepted": true,
	}
	var out struct{ ID string }
	if _, _, err := c.do(ctx, http.MethodPost, "/api/collections/users/records", "", body, http.StatusOK, &out); err != nil {
		return "", err
	}
	return out.ID, nil
}
