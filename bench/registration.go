package bench

import (
	"context"
	"fmt"
	"net/http"
	"time"
)

// registrationSizes says how many of each request the section sends.
type registrationSizes struct {
	registrations, creates, logins, conc int
	firstCed                             int // cédulas nobody has yet
}

// runRegistration times registrations, plain PocketBase creates and logins,
// each at sz.conc requests at once, on the same server.
func runRegistration(ctx context.Context, c *client, sz registrationSizes, seed seeded) (Section, error) {
	sec := Section{Name: SectionRegistration, Setup: fmt.Sprintf("%d at once over loopback HTTP, rate limiter off", sz.conc)}

	wall, durs, err := runConcurrent(ctx, sz.registrations, sz.conc, func(ctx context.Context, i int) (time.Duration, error) {
		start := time.Now()
		_, err := register(ctx, c, fmt.Sprint(sz.firstCed+i))
		return time.Since(start), err
	})
	if err != nil {
		return sec, fmt.Errorf("registrations: %w", err)
	}
	regRate := float64(sz.registrations) / wall.Seconds()
	sec.add("registrations/s", regRate, "/s", fmt.Sprintf("%d registrations: user, cedula_info, queued check, bcrypt hash", sz.registrations))
	sec.addMs("registration p50", percentile(durs, 0.50), "")
	sec.addMs("registration p95", percentile(durs, 0.95), "")

	wall, _, err = runConcurrent(ctx, sz.creates, sz.conc, func(ctx context.Context, i int) (time.Duration, error) {
		body := map[string]any{"title": "registro de prueba", "n": i}
		d, _, err := c.do(ctx, http.MethodPost, "/api/collections/"+plainCollection+"/records", seed.superToken, body, http.StatusOK, nil)
		return d, err
	})
	if err != nil {
		return sec, fmt.Errorf("plain creates: %w", err)
	}
	createRate := float64(sz.creates) / wall.Seconds()
	sec.add("plain PocketBase creates/s", createRate, "/s", fmt.Sprintf("%d superuser creates in a collection with no hooks; PocketBase publishes ~2,000/s on 2 vCPU", sz.creates))
	sec.add("registrations/s ÷ plain creates/s", 100*regRate/createRate, "%", "")

	var people []person
	for _, l := range seed.leaders {
		people = append(people, l.referidos...)
	}
	if len(people) == 0 {
		return sec, fmt.Errorf("logins: no seeded users")
	}
	wall, durs, err = runConcurrent(ctx, sz.logins, sz.conc, func(ctx context.Context, i int) (time.Duration, error) {
		body := map[string]any{"identity": people[i%len(people)].cedula, "password": password}
		d, _, err := c.do(ctx, http.MethodPost, "/api/collections/users/auth-with-password", "", body, http.StatusOK, nil)
		return d, err
	})
	if err != nil {
		return sec, fmt.Errorf("logins: %w", err)
	}
	sec.add("logins/s", float64(sz.logins)/wall.Seconds(), "/s", fmt.Sprintf("%d logins by cédula (bcrypt check)", sz.logins))
	sec.addMs("login p50", percentile(durs, 0.50), "")
	sec.addMs("login p95", percentile(durs, 0.95), "")
	return sec, nil
}
