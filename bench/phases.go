package bench

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/padron/padron/metrics"
)

// apiServer runs the API and Registration sections on a server configured
// as in production (worker on, 5 s pacing, instant captchas): a leader with
// apiReferidos referidos, then registrations, creates and logins.
func (r *runner) apiServer(ctx context.Context) (api, registration Section, err error) {
	sz := r.sz
	s, seed, err := r.startServer(ctx, "api", population{leaders: 1, perLeader: sz.apiReferidos, firstCedula: seedCedulas},
		r.captchaEnv("/captcha-instant", 0))
	if err != nil {
		return api, registration, err
	}
	defer r.stopServer(s, &err)
	c := newClient(s.base)

	r.progress("api: referidos list, stats, CSV and bulk refresh for a leader with %d referidos", sz.apiReferidos)
	meter := meterCPU(s, cpuInterval)
	if api, err = runAPI(ctx, c, seed.leaders[0], sz.apiSamples); err != nil {
		return api, registration, fmt.Errorf("bench: API: %w", err)
	}
	r.progress("api: a profile save quiet and with %d hostile realtime clients", hostileClients)
	if err = runHostile(ctx, c, seed.leaders[0], sz.apiSamples, &api); err != nil {
		return api, registration, fmt.Errorf("bench: API: %w", err)
	}
	api.addCPU("during the section", meter.stop())
	api.Setup += "; server as in production (worker on, 5 s pacing)"

	r.progress("registration: %d registrations, %d plain creates, %d logins, %d at once", sz.regs, sz.creates, sz.logins, sz.conc)
	registration, err = runRegistration(ctx, c, s, registrationSizes{
		registrations: sz.regs, creates: sz.creates, logins: sz.logins, conc: sz.conc, firstCed: regCedulas,
	}, seed)
	if err != nil {
		return api, registration, fmt.Errorf("bench: Registration: %w", err)
	}
	return api, registration, nil
}

// pipelineServer runs, on a server with instant captchas and pacing off:
// the fast pipeline pass, the Realtime section, and the Memory section
// (idle, busy during the pipeline, warm, after every lookup of both).
func (r *runner) pipelineServer(ctx context.Context) (pipeline, realtime, memory Section, err error) {
	sz := r.sz
	env := r.captchaEnv("/captcha-instant", 0)
	env["PADRON_PACING"] = "0s"
	env["PADRON_REFRESH_COOLDOWN"] = fastCooldown.String() // Realtime refreshes records the lookups just checked
	s, seed, err := r.startServer(ctx, "fast", population{leaders: sz.rtLeaders, perLeader: sz.rtPerLeader, firstCedula: seedCedulas}, env)
	if err != nil {
		return pipeline, realtime, memory, err
	}
	defer r.stopServer(s, &err)
	c := newClient(s.base)
	memory = Section{Name: SectionMemory, Setup: "RSS of the server process and of its Chromium process tree (PSS in the note)"}
	pipeline = Section{Name: SectionPipeline, Setup: fmt.Sprintf("registrations through HTTP (%d at once) until every check is final; worker at its defaults", sz.pipelineConc)}

	idle := sample(s)
	r.progress("pipeline: %d registrations, instant captchas, pacing off", sz.pipelineN)
	peaks := samplePeaks(s, 200*time.Millisecond)
	meter := meterCPU(s, cpuInterval)
	fast, err := runPipeline(ctx, c, pipelineRun{n: sz.pipelineN, conc: sz.pipelineConc, firstCed: pipelineCedulas, superToken: seed.superToken})
	fastCPU := meter.stop()
	busy := peaks.stop()
	if err != nil {
		return pipeline, realtime, memory, fmt.Errorf("bench: pipeline: %w", err)
	}
	warm := sample(s)
	label := fmt.Sprintf("%d checks, instant captchas, pacing off", sz.pipelineN)
	pipeline.add(label+": validations/min", fast.perMinute, "/min", fmt.Sprintf("all %d final in %s", sz.pipelineN, fast.wall.Round(100*time.Millisecond)))
	pipeline.addMs(label+": register→final p50", fast.p50, "")
	pipeline.addMs(label+": register→final p95", fast.p95, "")
	pipeline.addCPU("during the fast pass", fastCPU)

	// The rest of the lookups with nobody listening, so the memory after
	// them is theirs alone, not that of the realtime clients.
	var ids []string
	for _, l := range seed.leaders {
		for _, p := range l.referidos {
			ids = append(ids, p.id)
		}
	}
	ids = ids[:min(len(ids), max(0, sz.lookups-sz.pipelineN))]
	lookups := sz.pipelineN + len(ids)
	r.progress("memory: %d more lookups, nobody listening", len(ids))
	perCheck := 2 * time.Second // generous: ~0.3 s each here
	if err := runLookups(ctx, c, seed.superToken, ids, perCheck); err != nil {
		return pipeline, realtime, memory, fmt.Errorf("bench: lookups: %w", err)
	}
	after := sample(s)
	cooled := time.Now().Add(fastCooldown)

	r.progress("realtime: %d subscribers, %d checks", sz.rtLeaders*(1+sz.rtPerLeader), sz.rtLeaders*sz.rtRefresh)
	stagesBefore, err := scrapeStages(ctx, c, seed.superToken)
	if err != nil {
		return pipeline, realtime, memory, fmt.Errorf("bench: realtime: %w", err)
	}
	meter = meterCPU(s, cpuInterval)
	rt, err := runRealtime(ctx, c, seed, sz.rtRefresh, cooled, perCheck)
	rtCPU := meter.stop()
	if err != nil {
		return pipeline, realtime, memory, fmt.Errorf("bench: realtime: %w", err)
	}
	stagesAfter, err := scrapeStages(ctx, c, seed.superToken)
	if err != nil {
		return pipeline, realtime, memory, fmt.Errorf("bench: realtime: %w", err)
	}
	realtime = Section{Name: SectionRealtime, Setup: fmt.Sprintf("%d SSE subscribers with their own tokens: %d leaders on cedula_info/*, %d members on their own record; %d checks (each leader bulk-refreshes %d referidos)",
		rt.subscribers, rt.leaders, rt.subscribers-rt.leaders, rt.checks, sz.rtRefresh)}
	realtime.add("status changes", float64(rt.changes), "", fmt.Sprintf("in %s", rt.took.Round(100*time.Millisecond)))
	realtime.add("events delivered", float64(rt.delivered), "", "each change to its member and their leader")
	realtime.addMs("delivery latency p50", rt.p50, "record's updated stamp → client read")
	realtime.addMs("delivery latency p99", rt.p99, "target < 100 ms")
	realtime.add("slow deliveries late for every client", float64(rt.slowEverywhere), "", fmt.Sprintf("of the %d at p99 or slower: every client of the state got it after half the p99 (the save or its broadcast was late, not one stream); by status: %s", rt.slow, countsOf(rt.slowStates)))
	// Where the time went, as the server measured it (bucket bounds: "≤").
	for _, st := range []struct{ stage, what string }{
		{metrics.StageExecuted, "its UPDATE ran"},
		{metrics.StageCommitted, "save committed"},
		{metrics.StageDequeued, "broadcast: the client's stream took it from its queue"},
		{metrics.StageWritten, "written to the client's socket"},
	} {
		p99, n := stageQuantile(stagesBefore, stagesAfter, st.stage, 0.99)
		p50, _ := stageQuantile(stagesBefore, stagesAfter, st.stage, 0.50)
		note := fmt.Sprintf("p50 ≤ %s; server side, from the updated stamp; upper bound of its bucket; %d observations", p50, n)
		if p99 == 0 && n > 0 {
			note += "; beyond the last bucket (5 s)"
		}
		realtime.addMs("stamp → "+st.what+" p99 ≤", p99, note)
	}
	realtime.add("events a client may not see", float64(rt.foreign), "", "must be 0 (incl. members whose record did not change)")
	realtime.add("events a client missed", float64(rt.missing), "", "must be 0: member and leader see the same changes")
	realtime.add("duplicate deliveries", float64(rt.duplicates), "", "the same state twice to one client")
	realtime.add("events with a stale updated stamp", float64(rt.stale), "", "must be 0: an event older than one the client already has; not in the latency")
	realtime.addCPU("during the section", rtCPU)

	memFig := func(state string, m memSample, note string) {
		memory.add("server "+state, mib(m.server.RSS), "MiB", note)
		cnote := fmt.Sprintf("PSS %.0f MiB, %d processes", mib(m.chromium.PSS), m.chromium.Procs)
		if m.chromium.Procs == 0 {
			cnote = "not running: Chromium starts with the first lookup"
		}
		memory.add("Chromium "+state, mib(m.chromium.RSS), "MiB", cnote)
	}
	memFig("idle", idle, "fresh start")
	memFig("pool busy (peak)", busy, fmt.Sprintf("during the %d-check pipeline", sz.pipelineN))
	memFig(fmt.Sprintf("after %d lookups", sz.pipelineN), warm, "")
	memFig(fmt.Sprintf("after %d lookups", lookups), after, "before the realtime clients connect")
	memory.add("server growth", growth(warm.server.RSS, after.server.RSS), "%", fmt.Sprintf("after %d vs after %d lookups", lookups, sz.pipelineN))
	memory.add("Chromium growth", growth(warm.chromium.RSS, after.chromium.RSS), "%", "browsers are replaced after 200 lookups")
	return pipeline, realtime, memory, nil
}

// fastCooldown is the fast server's refresh cooldown, the shortest allowed.
const fastCooldown = time.Second

// growth is b over a in percent (0 when a is 0).
func growth(a, b int64) float64 {
	if a == 0 {
		return 0
	}
	return 100 * float64(b-a) / float64(a)
}

// pacedServer adds the paced pass to the Pipeline section: slow captchas
// and production pacing (or the same ratio, shorter), as a share of what
// the pacing allows.
func (r *runner) pacedServer(ctx context.Context, pipeline *Section) (err error) {
	sz := r.sz
	env := r.captchaEnv("/captcha-slow", sz.captcha)
	env["PADRON_PACING"] = sz.pacing.String()
	s, seed, err := r.startServer(ctx, "paced", population{firstCedula: seedCedulas}, env)
	if err != nil {
		return err
	}
	defer r.stopServer(s, &err)
	c := newClient(s.base)
	r.progress("pipeline: %d registrations, %s captchas, %s pacing", sz.pacedN, sz.captcha, sz.pacing)
	meter := meterCPU(s, cpuInterval)
	slow, err := runPipeline(ctx, c, pipelineRun{n: sz.pacedN, conc: sz.pipelineConc, pacing: sz.pacing, captcha: sz.captcha, firstCed: pacedCedulas, superToken: seed.superToken})
	slowCPU := meter.stop()
	if err != nil {
		return fmt.Errorf("bench: paced pipeline: %w", err)
	}
	limit := time.Minute.Seconds() / sz.pacing.Seconds()
	label := fmt.Sprintf("%d checks, %s captchas, %s pacing", sz.pacedN, sz.captcha, sz.pacing)
	pipeline.add(label+": validations/min", slow.perMinute, "/min", fmt.Sprintf("all %d final in %s", sz.pacedN, slow.wall.Round(100*time.Millisecond)))
	pipeline.add(label+": share of the pacing limit", 100*slow.perMinute/limit, "%", fmt.Sprintf("pacing allows %.0f/min", limit))
	pipeline.addMs(label+": register→final p50", slow.p50, "")
	pipeline.addMs(label+": register→final p95", slow.p95, "")
	pipeline.addCPU("during the paced pass", slowCPU)
	return nil
}

// countsOf prints counts by name, largest first: "queued 10, checking 4".
func countsOf(n map[string]int) string {
	names := slices.Collect(maps.Keys(n))
	slices.SortFunc(names, func(a, b string) int { return cmp.Or(n[b]-n[a], strings.Compare(a, b)) })
	parts := make([]string, len(names))
	for i, name := range names {
		parts[i] = fmt.Sprintf("%s %d", name, n[name])
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}
