package bench

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/padron/padron/fakecaptcha"
)

// SectionAgents is the lookup agents' section: the census lookups run by
// `padron agent` processes on the server's embedded broker.
const SectionAgents = "Agents"

// agentSizes scale the Agents section: runs with each count of agents,
// each agent with its own pacing gap and captchas 4× slower than it, so
// only tokens bought ahead keep an agent at its pacing limit.
type agentSizes struct {
	counts   []int // agents per run
	perAgent int   // registrations per agent in a run
	gap      time.Duration
}

var (
	fullAgentSizes  = agentSizes{counts: []int{1, 2, 4}, perAgent: 12, gap: 5 * time.Second}
	quickAgentSizes = agentSizes{counts: []int{1, 2}, perAgent: 6, gap: time.Second}
)

// agentSlots are each agent's browser slots (its PADRON_CONCURRENCY).
const agentSlots = 2

// captchaRatio is how many pacing gaps one captcha solve takes.
const captchaRatio = 4

// agentsCedulas numbers the Agents section's registrations.
const agentsCedulas = 90_000_000

// agentsPhase runs one server with the embedded broker per count of agents
// and measures each run's rates, memory and latency.
func (r *runner) agentsPhase(ctx context.Context) ([]Section, error) {
	sz := fullAgentSizes
	if r.opts.Quick {
		sz = quickAgentSizes
	}
	captcha := captchaRatio * sz.gap
	r.reg.Mount("/captcha-agents", fakecaptcha.New(fakecaptcha.Config{SolveDelay: captcha}))
	sec := Section{Name: SectionAgents, Setup: fmt.Sprintf("embedded broker; each agent a `padron agent` process with %d slots, its own %s pacing gap and %s captchas; %d registrations per agent",
		agentSlots, sz.gap, captcha, sz.perAgent)}
	for i, k := range sz.counts {
		if err := r.agentsRun(ctx, &sec, k, sz, agentsCedulas+i*10_000); err != nil {
			return nil, err
		}
	}
	return []Section{sec}, nil
}

// agentsRun measures k agents answering k×perAgent registrations.
func (r *runner) agentsRun(ctx context.Context, sec *Section, k int, sz agentSizes, firstCed int) (err error) {
	name := fmt.Sprintf("agents%d", k)
	dir := filepath.Join(r.root, name)
	dataDir := filepath.Join(dir, "pb_data")
	tmp := filepath.Join(dir, "t")
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	r.progress("%s server: seeding", name)
	seed, err := seedDataDir(dataDir, population{firstCedula: seedCedulas}, &r.hash)
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	keys := make([]string, k)
	for i := range keys {
		out, err := exec.CommandContext(ctx, r.opts.Binary, "agent-key", "create", fmt.Sprintf("agente%d", i+1), "--dir", dataDir).Output()
		if err != nil {
			return fmt.Errorf("bench: agent-key create: %w", err)
		}
		keys[i] = strings.TrimSpace(string(out))
	}
	brokerAddr, err := freeAddr()
	if err != nil {
		return err
	}
	captchaEnv := r.captchaEnv("/captcha-agents", captchaRatio*sz.gap)
	env := map[string]string{
		"PADRON_REGISTRAR_URL": r.reg.WSPURL(),
		"PADRON_PUBLIC_DIR":    filepath.Join(dir, "no-frontend"),
		"PADRON_BROKER":        "embedded",
		"PADRON_BROKER_LISTEN": brokerAddr,
		// The server claims everything due, so the queue shows the agents
		// every check waiting (their token demand).
		"PADRON_CONCURRENCY":         "64",
		"PADRON_REALTIME_MAX_PER_IP": "100000",
	}
	s, err := startServer(ctx, serverSpec{name: name, bin: r.opts.Binary, dataDir: dataDir, tmpDir: tmp, logDir: dir, env: env})
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	defer r.stopServer(s, &err)
	r.progress("%s server: serving on %s (pid %d), broker %s", name, s.base, s.pid(), brokerAddr)

	agents := make([]*agentChild, k)
	defer func() {
		for _, a := range agents {
			if a != nil {
				if serr := a.stop(); serr != nil {
					err = errors.Join(err, fmt.Errorf("bench: %w", serr))
				}
			}
		}
	}()
	for i := range agents {
		aenv := map[string]string{
			"PADRON_BROKER":        "nats://" + brokerAddr,
			"PADRON_AGENT_KEY":     keys[i],
			"PADRON_REGISTRAR_URL": r.reg.WSPURL(),
			"PADRON_CHROMIUM":      r.opts.Chromium,
			"PADRON_PACING":        sz.gap.String(),
			"PADRON_PACING_JITTER": "0s",
			"PADRON_CONCURRENCY":   fmt.Sprint(agentSlots),
			"PADRON_SOURCE":        "wsp",
		}
		for k, v := range captchaEnv {
			aenv[k] = v
		}
		if agents[i], err = startAgentChild(dir, fmt.Sprintf("agente%d", i+1), r.opts.Binary, aenv); err != nil {
			return err
		}
	}

	n := k * sz.perAgent
	r.progress("%s: %d registrations for %d agents", name, n, k)
	peaks := sampleAgents(s, agents, 200*time.Millisecond)
	meter := meterCPU(s, cpuInterval)
	res, err := runPipeline(ctx, newClient(s.base), pipelineRun{n: n, conc: 10, pacing: sz.gap / time.Duration(k),
		captcha: captchaRatio * sz.gap, firstCed: firstCed, superToken: seed.superToken})
	peak := peaks.stop()
	cpu := meter.stop()
	if err != nil {
		return fmt.Errorf("bench: %s: %w", name, err)
	}
	done, err := agentLookups(ctx, newClient(s.base), seed.superToken)
	if err != nil {
		return fmt.Errorf("bench: %s: %w", name, err)
	}
	perAgentLimit := time.Minute.Seconds() / sz.gap.Seconds()
	label := fmt.Sprintf("%d agent(s)", k)
	span := res.wall
	if res.perMinute > 0 {
		span = time.Duration(float64(n-1) / res.perMinute * float64(time.Minute))
	}
	for i := range agents {
		key := fmt.Sprintf("agente%d", i+1)
		rate := 0.0
		if span > 0 {
			rate = float64(done[key]) / span.Minutes()
		}
		sec.add(fmt.Sprintf("%s: %s share of its pacing limit", label, key), 100*rate/perAgentLimit, "%",
			fmt.Sprintf("%d lookups, %.1f/min of %.0f/min", done[key], rate, perAgentLimit))
	}
	sec.add(label+": total validations/min", res.perMinute, "/min", fmt.Sprintf("all %d final in %s", n, res.wall.Round(100*time.Millisecond)))
	sec.add(label+": share of N × one agent's limit", 100*res.perMinute/(float64(k)*perAgentLimit), "%", "target ≥ 95 %")
	sec.addMs(label+": register→final p50", res.p50, "")
	sec.addMs(label+": register→final p95", res.p95, "")
	sec.add(label+": server RSS (peak)", mib(peak.server), "MiB", "no Chromium in the server; target < 60 MiB with 4 agents")
	sec.add(label+": server anonymous memory (peak)", mib(peak.serverAnon), "MiB",
		"what the server holds: RSS less the binary's own pages, which are shared and reclaimable")
	sec.add(label+": agent RSS (peak, largest)", mib(peak.agent), "MiB", "the agent process alone")
	sec.add(label+": agent's Chromium RSS (peak, largest)", mib(peak.chromium), "MiB", "summed over its processes")
	sec.addCPU("during "+label, cpu) // the agents' own CPU counts as others'
	return nil
}

// agentLookups reads each agent key's applied lookups from agent_keys.
func agentLookups(ctx context.Context, c *client, superToken string) (map[string]int, error) {
	var out struct {
		Items []struct {
			Name        string `json:"name"`
			LookupsDone int    `json:"lookups_done"`
		} `json:"items"`
	}
	if _, _, err := c.do(ctx, "GET", "/api/collections/agent_keys/records?perPage=100", superToken, nil, 200, &out); err != nil {
		return nil, fmt.Errorf("agent keys: %w", err)
	}
	done := map[string]int{}
	for _, it := range out.Items {
		done[it.Name] = it.LookupsDone
	}
	return done, nil
}

// agentChild is one `padron agent` process of the bench.
type agentChild struct {
	name   string
	cmd    *exec.Cmd
	logf   *os.File
	exited chan struct{}

	mu     sync.Mutex
	family []proc
}

// startAgentChild runs `padron agent name` with env (and nothing else of
// the bench's PADRON_* settings), its TMPDIR and log under dir.
func startAgentChild(dir, name, bin string, env map[string]string) (*agentChild, error) {
	tmp := filepath.Join(dir, name)
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	logf, err := os.Create(filepath.Join(dir, name+".log"))
	if err != nil {
		return nil, fmt.Errorf("bench: agent %s log: %w", name, err)
	}
	cmd := exec.Command(bin, "agent", name)
	cmd.Dir = tmp
	cmd.Env = childEnv(serverSpec{tmpDir: tmp, env: env})
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("bench: agent %s: start: %w", name, err)
	}
	a := &agentChild{name: name, cmd: cmd, logf: logf, exited: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(a.exited) }()
	return a, nil
}

// memory samples the agent process and its Chromium family.
func (a *agentChild) memory() (agent, chromium memKiB) {
	fam := descendants(a.cmd.Process.Pid)
	a.mu.Lock()
	for _, p := range fam {
		known := false
		for _, q := range a.family {
			known = known || q == p
		}
		if !known {
			a.family = append(a.family, p)
		}
	}
	a.mu.Unlock()
	return memoryOf([]proc{{PID: a.cmd.Process.Pid}}), memoryOf(fam)
}

// stop ends the agent as Ctrl-C would (SIGTERM: it finishes or gives back
// its lookups and closes Chromium), kills it after stopTimeout, and makes
// sure none of its Chromium survives.
func (a *agentChild) stop() error {
	select {
	case <-a.exited:
	default:
		a.memory() // remember the family
		_ = a.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-a.exited:
		case <-time.After(stopTimeout):
			_ = syscall.Kill(-a.cmd.Process.Pid, syscall.SIGKILL)
			<-a.exited
		}
	}
	a.mu.Lock()
	family := append([]proc(nil), a.family...)
	a.mu.Unlock()
	err := waitGone(family, goneTimeout)
	if cerr := a.logf.Close(); cerr != nil && !errors.Is(cerr, os.ErrClosed) {
		err = errors.Join(err, cerr)
	}
	if err != nil {
		return fmt.Errorf("agent %s: %w", a.name, err)
	}
	return nil
}

// agentPeaks are the largest RSS figures seen during a run (KiB);
// serverAnon is the server's anonymous part of its RSS (heap, stacks,
// SQLite's and the broker's buffers), without the pages of its binary.
type agentPeaks struct{ server, serverAnon, agent, chromium int64 }

// anonKiB is a process's anonymous resident memory (smaps_rollup's
// Anonymous), 0 if it cannot be read.
func anonKiB(pid int) int64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/smaps_rollup")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "Anonymous:"); ok {
			return kib(rest)
		}
	}
	return 0
}

// agentSampler samples the server and every agent until stopped.
type agentSampler struct {
	stopOnce sync.Once
	stopped  chan struct{}
	done     chan struct{}
	peak     agentPeaks
}

func sampleAgents(s *server, agents []*agentChild, interval time.Duration) *agentSampler {
	p := &agentSampler{stopped: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(p.done)
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for {
			srv, _ := s.memory()
			p.peak.server = max(p.peak.server, srv.RSS)
			p.peak.serverAnon = max(p.peak.serverAnon, anonKiB(s.pid()))
			for _, a := range agents {
				ag, chr := a.memory()
				p.peak.agent = max(p.peak.agent, ag.RSS)
				p.peak.chromium = max(p.peak.chromium, chr.RSS)
			}
			select {
			case <-p.stopped:
				return
			case <-tick.C:
			}
		}
	}()
	return p
}

func (p *agentSampler) stop() agentPeaks {
	p.stopOnce.Do(func() { close(p.stopped) })
	<-p.done
	return p.peak
}
