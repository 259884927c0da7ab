package e2e_test

import (
	"fmt"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/padron/padron/census"
	"github.com/padron/padron/fakecaptcha"
	"github.com/padron/padron/fakeregistrar"
)

// BenchmarkPipeline runs the whole server (real worker, engine, Chromium)
// against the fake registrar and a fake captcha service that takes 1, 4 and
// 8 pacing gaps to solve, on a long queue, with default settings but a 1 s
// pacing gap without jitter (the ratio, not the scale, is what matters: 4×
// is a 20 s captcha at the default 5 s). It prints the share of the pacing
// limit used, the tokens wasted and the register-to-final latencies.
//
//	go test ./e2e -run '^$' -bench Pipeline -benchtime 1x
//
// PADRON_BENCH_CHECKS sets the queue length (default 40),
// PADRON_BENCH_PACING the gap (default 1s; the server's default is 5s), and
// PADRON_BENCH_POOL the lookups at once (concurrency and browser pool;
// default the server's, 2).
func BenchmarkPipeline(b *testing.B) {
	checks := 40
	if v, err := strconv.Atoi(os.Getenv("PADRON_BENCH_CHECKS")); err == nil && v > 0 {
		checks = v
	}
	gap := time.Second
	if v, err := time.ParseDuration(os.Getenv("PADRON_BENCH_PACING")); err == nil && v > 0 {
		gap = v
	}
	var table strings.Builder
	fmt.Fprintf(&table, "\npacing %v, %d checks queued at once, default settings otherwise\n", gap, checks)
	fmt.Fprintf(&table, "%-6s %10s %10s %8s %8s %8s %10s %10s\n", "solve", "gate use", "wire rate", "bought", "used", "waste", "p50", "p95")
	for _, ratio := range []int{1, 4, 8} {
		b.Run(fmt.Sprintf("solve=%dx", ratio), func(b *testing.B) {
			for range b.N {
				r := runPipeline(b, gap, time.Duration(ratio)*gap, checks)
				b.ReportMetric(r.gateUse, "gate_use_%")
				b.ReportMetric(r.wireRate, "wire_rate_%")
				b.ReportMetric(r.waste, "waste_%")
				b.ReportMetric(r.p50.Seconds(), "p50_s")
				b.ReportMetric(r.p95.Seconds(), "p95_s")
				fmt.Fprintf(&table, "%-6s %9.1f%% %9.1f%% %8d %8d %7.1f%% %10v %10v\n", fmt.Sprintf("%d×", ratio),
					r.gateUse, r.wireRate, r.bought, r.used, r.waste, r.p50.Round(100*time.Millisecond), r.p95.Round(100*time.Millisecond))
			}
		})
	}
	fmt.Print(table.String())
}

type pipelineRun struct {
	gateUse, wireRate, waste float64
	bought, used             uint64
	p50, p95                 time.Duration
}

// runPipeline queues checks registrations on a fresh server and waits for
// every answer.
func runPipeline(b *testing.B, gap, solve time.Duration, checks int) pipelineRun {
	reg, fc := startFakesWith(b, fakeregistrar.Config{}, fakecaptcha.Config{SolveDelay: solve})
	cfg := fakeConfig(b, reg)
	cfg.Pacing.Gap, cfg.Pacing.Jitter = gap, 0
	if v, err := strconv.Atoi(os.Getenv("PADRON_BENCH_POOL")); err == nil && v > 0 {
		cfg.Concurrency, cfg.BrowserPool = v, v
	}
	cfg.CaptchaFirstPoll, cfg.CaptchaPollInterval = 50*time.Millisecond, 50*time.Millisecond
	x := newStack(b, cfg)
	// A campaign's long queue, not one visitor: registrations come faster
	// than the per-IP limiter allows one client.
	settings := x.app.Settings()
	settings.RateLimits.Enabled = false
	if err := x.app.Save(settings); err != nil {
		b.Fatal(err)
	}

	registered := map[string]time.Time{}
	for i := range checks {
		ced := fmt.Sprint(80000000 + i)
		registered[register(b, x.base, ced, "")] = time.Now()
	}
	final := map[string]time.Time{}
	deadline := time.Now().Add(time.Duration(checks)*3*gap + 10*solve + time.Minute)
	for len(final) < len(registered) {
		if time.Now().After(deadline) {
			b.Fatalf("only %d of %d checks final: %+v", len(final), len(registered), x.srv.Worker.Status())
		}
		infos, err := x.app.FindAllRecords("cedula_info")
		if err != nil {
			b.Fatal(err)
		}
		now := time.Now()
		for _, in := range infos {
			u := in.GetString("user")
			if _, ok := registered[u]; ok && !census.IsInFlight(in.GetString("status")) {
				if _, seen := final[u]; !seen {
					final[u] = now
				}
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	st := x.srv.Worker.Status()
	waitFor(b, time.Minute, "no solve in flight", func() bool { return x.srv.Worker.Status().Tokens.InFlight == 0 })
	tok := *x.srv.Worker.Status().Tokens

	var lat []time.Duration
	for u, at := range registered {
		lat = append(lat, final[u].Sub(at))
	}
	slices.Sort(lat)
	r := pipelineRun{
		gateUse: st.Pacing.LimitUsedPercent,
		bought:  tok.Bought, used: tok.Used,
		p50: lat[len(lat)/2], p95: lat[len(lat)*95/100],
	}
	if tok.Bought > 0 {
		// Everything bought and not submitted: expired, dropped, or left
		// over when the queue ran dry.
		r.waste = 100 * float64(tok.Bought-tok.Used) / float64(tok.Bought)
	}
	var starts []time.Time
	for _, a := range reg.Arrivals() {
		if a.Lookup() && a.Method == http.MethodGet {
			starts = append(starts, a.At)
		}
	}
	if n := len(starts); n > 1 {
		r.wireRate = 100 * float64(n-1) * float64(gap) / float64(starts[n-1].Sub(starts[0]))
	}
	b.Logf("solve %v: %d lookups at the registrar; tokens %+v; captcha service saw %d tasks", solve, len(starts), tok, fc.Stats().Submits)
	return r
}
