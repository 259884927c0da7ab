package scraper

// Benchmarks of the browser engine against the fakes (captcha answered at
// once). Run them with:
//
//	go test ./scraper -run '^$' -bench . -benchtime 40x
//	PADRON_BENCH_LONG=1 go test ./scraper -run '^$' -bench MemoryGrowth -benchtime 1x -timeout 30m
//
// Targets: the pooled engine ≥ 3× the lookups per second of a browser per
// lookup; Chromium's memory sub-linear in the pool size; no growth over 500
// lookups.

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/padron/padron/captcha"
	"github.com/padron/padron/census"
	"github.com/padron/padron/fakecaptcha"
	"github.com/padron/padron/fakeregistrar"
	"github.com/padron/padron/registrar"
)

// latencies collects per-lookup durations of one benchmark run.
type latencies struct {
	mu      sync.Mutex
	d       []time.Duration
	elapsed time.Duration
}

func (l *latencies) add(d time.Duration) {
	l.mu.Lock()
	l.d = append(l.d, d)
	l.mu.Unlock()
}

// quantile returns the q-quantile (nearest rank) of the durations.
func (l *latencies) quantile(q float64) time.Duration {
	s := slices.Clone(l.d)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	i := int(q*float64(len(s))+0.5) - 1
	return s[max(0, min(i, len(s)-1))]
}

func (l *latencies) perSecond() float64 {
	if l.elapsed <= 0 {
		return 0
	}
	return float64(len(l.d)) / l.elapsed.Seconds()
}

func (l *latencies) report(b *testing.B) {
	b.ReportMetric(ms(l.quantile(0.5)), "p50-ms")
	b.ReportMetric(ms(l.quantile(0.95)), "p95-ms")
	b.ReportMetric(l.perSecond(), "lookups/s")
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// runLookups runs n lookups of distinct found cédulas on workers
// goroutines, each through lookup, and times them.
func runLookups(b *testing.B, n, workers int, lookup func(ced string) error) *latencies {
	l := &latencies{}
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range workers {
		wg.Go(func() {
			for i := next.Add(1); i <= int64(n); i = next.Add(1) {
				ced := fmt.Sprintf("30%08d", i) // no fixture: found, generated place
				t0 := time.Now()
				if err := lookup(ced); err != nil {
					b.Errorf("lookup %s: %v", ced, err)
					return
				}
				l.add(time.Since(t0))
			}
		})
	}
	wg.Wait()
	l.elapsed = time.Since(start)
	return l
}

// lookupFound looks ced up on e and insists on an answer.
func lookupFound(b *testing.B, e *Engine, ced string) error {
	res, err := e.Lookup(b.Context(), ced)
	if err == nil && res.Outcome != census.OutcomeFound {
		err = fmt.Errorf("outcome %s", res.Outcome)
	}
	return err
}

// BenchmarkLookup compares the pooled engine (one long-lived browser, an
// incognito context per lookup) with the naive way (a browser per lookup,
// launched and closed), in the same run, with 1, 2 and 4 lookups at a time
// (the pool sized to match), and prints both with their ratio.
func BenchmarkLookup(b *testing.B) {
	f := startFakes(b)
	solver := f.solver(b, captcha.APIClassic, fakecaptcha.KeyGood)
	type pair struct{ pooled, naive *latencies }
	results := map[int]*pair{}
	for _, workers := range []int{1, 2, 4} {
		r := &pair{}
		results[workers] = r
		b.Run(fmt.Sprintf("pooled/c=%d", workers), func(b *testing.B) {
			cfg := f.config(b, census.SourceWSP, solver)
			cfg.PoolSize = workers
			e := newEngine(b, cfg)
			if err := lookupFound(b, e, "3000000000"); err != nil { // launch outside the timing
				b.Fatal(err)
			}
			b.ResetTimer()
			r.pooled = runLookups(b, b.N, workers, func(ced string) error { return lookupFound(b, e, ced) })
			r.pooled.report(b)
			b.StopTimer()
			if err := e.Close(); err != nil { // one engine's browser at a time
				b.Fatal(err)
			}
		})
		b.Run(fmt.Sprintf("naive/c=%d", workers), func(b *testing.B) {
			r.naive = runLookups(b, b.N, workers, func(ced string) error {
				cfg := f.config(b, census.SourceWSP, solver)
				cfg.PoolSize = 1
				e, err := New(cfg)
				if err != nil {
					return err
				}
				err = lookupFound(b, e, ced)
				if cerr := e.Close(); err == nil {
					err = cerr
				}
				return err
			})
			r.naive.report(b)
		})
	}
	var t strings.Builder
	fmt.Fprintf(&t, "\nlookups against the fake (captcha answered at once)\n%-30s %8s %8s %8s %8s\n", "engine", "lookups", "p50", "p95", "per s")
	for _, workers := range []int{1, 2, 4} {
		r := results[workers]
		if r.pooled == nil || r.naive == nil || r.naive.perSecond() == 0 {
			continue
		}
		for _, row := range []struct {
			name string
			l    *latencies
		}{{"pooled, 1 browser", r.pooled}, {"naive, browser per lookup", r.naive}} {
			fmt.Fprintf(&t, "%-30s %8d %8s %8s %8.2f\n", fmt.Sprintf("%s, c=%d", row.name, workers), len(row.l.d),
				row.l.quantile(0.5).Round(time.Millisecond), row.l.quantile(0.95).Round(time.Millisecond), row.l.perSecond())
		}
		fmt.Fprintf(&t, "%-30s %.1fx throughput, %.1fx p50 (target ≥ 3x)\n", fmt.Sprintf("pooled/naive, c=%d", workers),
			r.pooled.perSecond()/r.naive.perSecond(), float64(r.naive.quantile(0.5))/float64(r.pooled.quantile(0.5)))
	}
	fmt.Print(t.String()) // b.Log of a benchmark with sub-benchmarks shows only with -v
}

// browserPSS sums the proportional set size of e's Chromium family, in MiB.
func browserPSS(b *testing.B, e *Engine) float64 {
	br := e.pool.current()
	if br == nil {
		b.Fatal("no browser running")
	}
	kib, err := pssKiB(br.processes())
	if err != nil {
		b.Fatal(err)
	}
	return float64(kib) / 1024
}

// BenchmarkMemory measures Chromium's memory with pool sizes 1, 2 and 4,
// while as many lookups as the pool allows hold a page open at once (the
// site holds each answer back for a second) and once they are done.
func BenchmarkMemory(b *testing.B) {
	f := startFakes(b)
	const heldCed = "3099999999"
	f.reg.SetFixture(fakeregistrar.Fixture{Cedula: heldCed, Case: fakeregistrar.CaseSlow, Delay: time.Second})
	solver := f.solver(b, captcha.APIClassic, fakecaptcha.KeyGood)
	busy := map[int]float64{}
	idle := map[int]float64{}
	sizes := []int{1, 2, 4}
	for _, size := range sizes {
		b.Run(fmt.Sprintf("pool=%d", size), func(b *testing.B) {
			cfg := f.config(b, census.SourceWSP, solver)
			cfg.PoolSize = size
			e := newEngine(b, cfg)
			if err := lookupFound(b, e, "3000000000"); err != nil {
				b.Fatal(err)
			}
			var peak, rest float64
			for range b.N {
				before := countLookups(f, heldCed)
				var wg sync.WaitGroup
				for range size {
					wg.Go(func() {
						if err := lookupFound(b, e, heldCed); err != nil {
							b.Error(err)
						}
					})
				}
				waitFor(b, 30*time.Second, "every page to be open", func() bool { return countLookups(f, heldCed) >= before+size })
				peak = max(peak, browserPSS(b, e))
				wg.Wait()
				rest = idlePSS(b, e)
			}
			busy[size], idle[size] = peak, rest
			b.ReportMetric(peak, "busy-PSS-MiB")
			b.ReportMetric(rest, "idle-PSS-MiB")
			if err := e.Close(); err != nil { // one browser at a time
				b.Fatal(err)
			}
		})
	}
	if len(busy) != len(sizes) {
		return
	}
	var t strings.Builder
	fmt.Fprintf(&t, "\nChromium PSS (whole process family)\n%-6s %16s %16s %12s\n", "pool", "busy MiB", "idle MiB", "busy/pool=1")
	for _, s := range sizes {
		fmt.Fprintf(&t, "%-6d %16.0f %16.0f %11.2fx\n", s, busy[s], idle[s], busy[s]/busy[1])
	}
	fmt.Fprintf(&t, "sub-linear: pool=4 uses %.2fx the memory of pool=1 for 4x the pages\n", busy[4]/busy[1])
	fmt.Print(t.String())
}

// countLookups counts the lookups of ced that reached the fake.
func countLookups(f *fakes, ced string) int {
	n := 0
	for _, r := range f.reg.Lookups() {
		if r.Cedula == ced {
			n++
		}
	}
	return n
}

// BenchmarkMemoryGrowth checks Chromium's memory does not grow over 500
// lookups on one browser (recycling off), printing it every 100 lookups.
// Opt-in: PADRON_BENCH_LONG=1.
func BenchmarkMemoryGrowth(b *testing.B) {
	if os.Getenv("PADRON_BENCH_LONG") == "" {
		b.Skip("set PADRON_BENCH_LONG=1 to run the 500-lookup memory growth benchmark")
	}
	const warmup, lookups, step = 20, 500, 100
	f := startFakes(b)
	solver := f.solver(b, captcha.APIClassic, fakecaptcha.KeyGood)
	for range b.N {
		cfg := f.config(b, census.SourceWSP, solver)
		cfg.RecycleAfter = warmup + lookups + 1 // one browser throughout
		e := newEngine(b, cfg)
		find := func(ced string) error { return lookupFound(b, e, ced) }
		runLookups(b, warmup, registrar.PoolSizeDefault, find)
		series := []float64{idlePSS(b, e)}
		all := &latencies{}
		for done := 0; done < lookups; done += step {
			l := runLookups(b, step, registrar.PoolSizeDefault, find)
			all.d, all.elapsed = append(all.d, l.d...), all.elapsed+l.elapsed
			series = append(series, idlePSS(b, e))
		}
		before, after := series[0], series[len(series)-1]
		b.ReportMetric(before, "PSS-before-MiB")
		b.ReportMetric(after, "PSS-after-MiB")
		b.ReportMetric(100*(after-before)/before, "growth-%")
		var t strings.Builder
		fmt.Fprintf(&t, "\nChromium PSS (MiB) after %d warm-up lookups, then every %d:", warmup, step)
		for _, v := range series {
			fmt.Fprintf(&t, " %.0f", v)
		}
		fmt.Fprintf(&t, "\ngrowth over %d lookups: %+.1f%% (target: none); p50 %s, p95 %s, %.2f lookups/s\n",
			lookups, 100*(after-before)/before, all.quantile(0.5).Round(time.Millisecond),
			all.quantile(0.95).Round(time.Millisecond), all.perSecond())
		fmt.Print(t.String())
		if err := e.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

// idlePSS is the browser's memory between lookups: the median of five
// readings 100 ms apart, so a renderer still exiting does not skew it.
func idlePSS(b *testing.B, e *Engine) float64 {
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	var v []float64
	for range 5 {
		<-tick.C
		v = append(v, browserPSS(b, e))
	}
	slices.Sort(v)
	return v[len(v)/2]
}
