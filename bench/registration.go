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
// s, if set, is the server, whose CPU and its Chromium's each part meters.
func runRegistration(ctx context.Context, c *client, s *server, sz registrationSizes, seed seeded) (Section, error) {
	sec := Section{Name: SectionRegistration, Setup: fmt.Sprintf("%d at once over loopback HTTP, rate limiter off", sz.conc)}

	meter := meterCPU(s, cpuInterval)
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
	regCPU := meter.stop()

	meter = meterCPU(s, cpuInterval)

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
	createCPU := meter.stop()

	var people []person
	for _, l := range seed.leaders {
		people = append(people, l.referidos...)
	}
	if len(people) == 0 {
		return sec, fmt.Errorf("logins: no seeded users")
	}
	meter = meterCPU(s, cpuInterval)
	wall, durs, err = runConcurrent(ctx, sz.logins, sz.conc, func(ctx context.Context, i int) (time.Duration, error) {
		body := map[string]any{"identity": people[i%len(people)].cedula, "password": password}
		d, _, err := c.do(ctx, http.MethodPost, "/api/collections/users/auth-with-password", "", body, http.StatusOK, nil)
		return d, err
	})
	if err != nil {
		return sec, fmt.Errorf("logins: %w", err)
	}
	loginRate := float64(sz.logins) / wall.Seconds()
	sec.add("logins/s", loginRate, "/s", fmt.Sprintf("%d logins by cédula (bcrypt check)", sz.logins))
	sec.addMs("login p50", percentile(durs, 0.50), "")
	sec.addMs("login p95", percentile(durs, 0.95), "")
	loginCPU := meter.stop()
	sec.add("registrations/s ÷ logins/s", regRate/loginRate, "x", "both cost one bcrypt: goal ≥ 0.9")
	if s != nil {
		perReg := regCPU.ServerTime / time.Duration(sz.registrations)
		perLogin := loginCPU.ServerTime / time.Duration(sz.logins)
		sec.addMs("server CPU per registration", perReg, "the server process's CPU time; steadier than a rate on a busy machine")
		sec.addMs("server CPU per login", perLogin, "")
		if perLogin > 0 {
			sec.add("server CPU per registration ÷ per login", float64(perReg)/float64(perLogin), "x", "")
		}
	}
	sec.addCPU("during registrations", regCPU)
	sec.addCPU("during plain creates", createCPU)
	sec.addCPU("during logins", loginCPU)
	return sec, nil
}

// workerOffFigures are the Registration figures measured again with the
// worker off, under the same names plus ", worker off".
var workerOffFigures = []string{
	"registrations/s", "registration p50", "logins/s", "login p50",
	"registrations/s ÷ logins/s", "server CPU per registration ÷ per login",
}

// registrationWorkerOff times registrations and logins again on a server
// with the worker off (no lookups beside the requests, no Chromium) and
// adds them to sec beside the worker-on figures, so the cost the worker's
// lookups add to a registration shows.
func (r *runner) registrationWorkerOff(ctx context.Context, sec *Section) (err error) {
	sz := r.sz
	env := r.captchaEnv("/captcha-instant", 0)
	env["PADRON_WORKER"] = "false"
	s, seed, err := r.startServer(ctx, "noworker", population{leaders: 1, perLeader: min(sz.apiReferidos, 200), firstCedula: seedCedulas}, env)
	if err != nil {
		return err
	}
	defer r.stopServer(s, &err)
	r.progress("registration: the same with the worker off")
	sec.Setup += "; worker on (5 s pacing), then again on a server with the worker off"
	off, err := runRegistration(ctx, newClient(s.base), s, registrationSizes{
		registrations: sz.regs, creates: sz.creates, logins: sz.logins, conc: sz.conc, firstCed: regCedulas,
	}, seed)
	if err != nil {
		return fmt.Errorf("bench: Registration, worker off: %w", err)
	}
	var on, offRatio float64
	for _, name := range workerOffFigures {
		f, ok := off.figure(name)
		if !ok {
			continue
		}
		if name == "registrations/s ÷ logins/s" {
			offRatio = f.Value
			f.Note = "no lookups beside the requests"
		}
		f.Name += ", worker off"
		sec.Figures = append(sec.Figures, f)
	}
	if f, ok := sec.figure("registrations/s ÷ logins/s"); ok {
		on = f.Value
	}
	if offRatio > 0 {
		sec.add("registrations/s ÷ logins/s, worker on ÷ off", on/offRatio, "x", "1 = the worker's lookups cost registrations nothing")
	}
	return nil
}

// figure finds a figure of s by name.
func (s *Section) figure(name string) (Figure, bool) {
	for _, f := range s.Figures {
		if f.Name == name {
			return f, true
		}
	}
	return Figure{}, false
}
