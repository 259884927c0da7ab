// Package bench is `padron bench`: it runs the real server binary on
// throwaway data directories against the fake registrar and captcha
// service on loopback and measures the whole server as a campaign's
// technical lead would ask about it: the census pipeline, registrations,
// realtime fan-out, a big leader's screens, and memory.
package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/padron/padron/fakecaptcha"
	"github.com/padron/padron/fakeregistrar"
)

// Options say what to run.
type Options struct {
	// Binary is the padron binary the servers run as (os.Executable() for
	// the command). Required.
	Binary string
	// Chromium is the browser the servers drive. Default: chromium on PATH.
	Chromium string
	// Quick scales every section down (about a minute instead of eight).
	Quick bool
	// TempDir holds the run's throwaway directory, removed at the end.
	// Default: os.TempDir().
	TempDir string
	// Progress gets one line per step. Default: discarded.
	Progress io.Writer
	// Keep leaves the run's directory (data directories, server logs) in
	// place for inspection instead of removing it.
	Keep bool
	// Only runs just the named phases (see Phases), so one question can be
	// asked without the whole run. Default: every phase.
	Only []string
}

// Phases names what --only may pick; each phase runs its own server(s) and
// yields one or more sections.
var Phases = []string{"api", "pipeline", "pyramid", "agents", "diad"}

// sizes scale a run.
type sizes struct {
	apiReferidos, apiSamples int
	regs, creates, logins    int
	conc                     int // requests at once in the Registration section
	pipelineN, pipelineConc  int
	rtLeaders, rtPerLeader   int // the fast server's population: 1,000 subscribers
	rtRefresh                int // referidos each leader refreshes in the Realtime section
	lookups                  int // lookups the fast server makes before Realtime
	pacedN                   int
	captcha, pacing          time.Duration // the paced pipeline's
}

var (
	fullSizes = sizes{
		apiReferidos: 5000, apiSamples: 50,
		regs: 500, creates: 2000, logins: 500, conc: 50,
		pipelineN: 50, pipelineConc: 10,
		rtLeaders: 50, rtPerLeader: 19, rtRefresh: 5, lookups: 1000,
		pacedN: 12, captcha: 20 * time.Second, pacing: 5 * time.Second,
	}
	quickSizes = sizes{
		apiReferidos: 1000, apiSamples: 10,
		regs: 100, creates: 300, logins: 100, conc: 50,
		pipelineN: 10, pipelineConc: 10,
		rtLeaders: 5, rtPerLeader: 19, rtRefresh: 5, lookups: 100,
		pacedN: 6, captcha: 2 * time.Second, pacing: 500 * time.Millisecond,
	}
)

// Cédula ranges, so no registration collides with a seeded user.
const (
	seedCedulas     = 10_000_000
	regCedulas      = 60_000_000
	pipelineCedulas = 70_000_000
	pacedCedulas    = 80_000_000
)

// Run measures every section and returns the report. It cleans up every
// server, browser and directory it started, also when ctx is cancelled.
func Run(ctx context.Context, opts Options) (rep *Report, err error) {
	if opts.Binary == "" {
		return nil, errors.New("bench: no padron binary to run")
	}
	for _, name := range opts.Only {
		if !slices.Contains(Phases, name) {
			return nil, fmt.Errorf("bench: unknown phase %q (phases: %s)", name, strings.Join(Phases, ", "))
		}
	}
	if opts.Chromium == "" {
		if opts.Chromium, err = exec.LookPath("chromium"); err != nil {
			return nil, fmt.Errorf("bench: the servers need Chromium (--chromium or chromium on PATH): %w", err)
		}
	}
	if opts.Progress == nil {
		opts.Progress = io.Discard
	}
	sz := fullSizes
	if opts.Quick {
		sz = quickSizes
	}
	root, err := os.MkdirTemp(opts.TempDir, "padron-bench-")
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	// Chromium puts a Unix socket (108 bytes at most) under each server's
	// TMPDIR; refuse a directory where it could not.
	if probe := filepath.Join(root, "paced", "t", "org.chromium.Chromium.XXXXXX", "SingletonSocket"); len(probe) > 107 {
		_ = os.RemoveAll(root)
		return nil, fmt.Errorf("bench: temp dir %s is too deep for Chromium's socket path (%d > 107 bytes): set TMPDIR shorter", root, len(probe))
	}
	defer func() {
		if opts.Keep {
			fmt.Fprintf(opts.Progress, "bench: kept %s\n", root)
			return
		}
		if rerr := os.RemoveAll(root); rerr != nil {
			err = errors.Join(err, fmt.Errorf("bench: removing %s: %w", root, rerr))
		}
	}()

	reg, err := fakeregistrar.Start(ctx, "127.0.0.1:0", fakeregistrar.Config{
		Fixtures: []fakeregistrar.Fixture{}, // everyone is found
		VerifyToken: func(_ context.Context, _, token string) bool {
			return strings.HasPrefix(token, fakecaptcha.TokenPrefix)
		},
	})
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	defer reg.Close()
	reg.Mount("/captcha-instant", fakecaptcha.New(fakecaptcha.Config{}))
	reg.Mount("/captcha-slow", fakecaptcha.New(fakecaptcha.Config{SolveDelay: sz.captcha}))

	r := &runner{opts: opts, sz: sz, root: root, reg: reg}
	rep = &Report{Machine: describeMachine(opts.Chromium), Quick: opts.Quick, Started: time.Now()}
	sections, err := r.run(ctx)
	if err != nil {
		return nil, err
	}
	rep.Sections = sections
	rep.Took = time.Since(rep.Started).Round(time.Second).String()
	return rep, nil
}

// runner holds what every phase shares.
type runner struct {
	opts Options
	sz   sizes
	root string
	reg  *fakeregistrar.Running
	hash string // the seeded users' shared password hash, made once
}

func (r *runner) progress(format string, args ...any) {
	fmt.Fprintf(r.opts.Progress, "bench: "+format+"\n", args...)
}

// phases maps each name in Phases to what it runs; add a line here (and a
// name in Phases and SectionNames) for a new section.
func (r *runner) phases() map[string]func(context.Context) ([]Section, error) {
	return map[string]func(context.Context) ([]Section, error){
		"pipeline": func(ctx context.Context) ([]Section, error) {
			pipeline, realtime, memory, err := r.pipelineServer(ctx)
			if err != nil {
				return nil, err
			}
			if err := r.pacedServer(ctx, &pipeline); err != nil {
				return nil, err
			}
			return []Section{pipeline, realtime, memory}, nil
		},
		"api": func(ctx context.Context) ([]Section, error) {
			api, registration, err := r.apiServer(ctx)
			if err != nil {
				return nil, err
			}
			// After the worker-on server stopped, so its lookups are over.
			if err := r.registrationWorkerOff(ctx, &registration); err != nil {
				return nil, err
			}
			return []Section{api, registration}, nil
		},
		"pyramid": func(ctx context.Context) ([]Section, error) {
			pyramid, err := r.pyramidServer(ctx)
			return []Section{pyramid}, err
		},
		"agents": r.agentsPhase,
		"diad": func(ctx context.Context) ([]Section, error) {
			diad, err := r.diadServer(ctx)
			return []Section{diad}, err
		},
	}
}

// run goes through the chosen phases in Phases order and orders their
// sections as the table prints them (SectionNames).
func (r *runner) run(ctx context.Context) ([]Section, error) {
	byName := r.phases()
	var all []Section
	for _, name := range Phases {
		if len(r.opts.Only) > 0 && !slices.Contains(r.opts.Only, name) {
			continue
		}
		sections, err := byName[name](ctx)
		if err != nil {
			return nil, err
		}
		all = append(all, sections...)
	}
	slices.SortStableFunc(all, func(a, b Section) int {
		return slices.Index(SectionNames, a.Name) - slices.Index(SectionNames, b.Name)
	})
	return all, nil
}

// captchaEnv points a server at one of the fake captcha services, polling
// at delay's pace as the server's defaults do for a 20 s solve (first poll
// at 15 s, then every 5 s).
func (r *runner) captchaEnv(path string, delay time.Duration) map[string]string {
	first, every := time.Millisecond, 10*time.Millisecond
	if delay > 0 {
		first, every = delay*3/4, delay/4
	}
	return map[string]string{
		"PADRON_CAPTCHA_URL":           r.reg.URL() + path,
		"PADRON_CAPTCHA_KEY":           fakecaptcha.KeyGood,
		"PADRON_CAPTCHA_FIRST_POLL":    first.String(),
		"PADRON_CAPTCHA_POLL_INTERVAL": every.String(),
	}
}

// startServer seeds a data directory with pop and runs a server on it
// with the fakes' URLs and env; stop it with its stop method.
func (r *runner) startServer(ctx context.Context, name string, pop population, env map[string]string) (*server, seeded, error) {
	// Short paths: Chromium's singleton socket, under tmp, must fit in
	// the 108 bytes of a Unix socket address.
	dir := filepath.Join(r.root, name)
	tmp := filepath.Join(dir, "t")
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		return nil, seeded{}, fmt.Errorf("bench: %w", err)
	}
	r.progress("%s server: seeding %d users", name, pop.leaders*(1+pop.perLeader))
	seed, err := seedDataDir(filepath.Join(dir, "pb_data"), pop, &r.hash)
	if err != nil {
		return nil, seeded{}, fmt.Errorf("bench: %w", err)
	}
	full := map[string]string{
		"PADRON_REGISTRAR_URL": r.reg.WSPURL(),
		"PADRON_CHROMIUM":      r.opts.Chromium,
		"PADRON_PUBLIC_DIR":    filepath.Join(dir, "no-frontend"),
		"PADRON_PACING_JITTER": "0s",
		"PADRON_SOURCE":        "wsp",
		// Every simulated subscriber connects from loopback: one address.
		"PADRON_REALTIME_MAX_PER_IP": "100000",
	}
	for k, v := range env {
		full[k] = v
	}
	s, err := startServer(ctx, serverSpec{name: name, bin: r.opts.Binary, dataDir: filepath.Join(dir, "pb_data"), tmpDir: tmp, logDir: dir, env: full})
	if err != nil {
		return nil, seeded{}, fmt.Errorf("bench: %w", err)
	}
	r.progress("%s server: serving on %s (pid %d)", name, s.base, s.pid())
	return s, seed, nil
}

// stopServer stops s and checks it left no Chromium and no profile; if
// the phase failed, the error gets the end of the server's log.
func (r *runner) stopServer(s *server, err *error) {
	r.progress("%s server: stopping", s.name)
	if *err != nil && !errors.Is(*err, context.Canceled) {
		*err = fmt.Errorf("%w\n%s server's log ends:\n%s", *err, s.name, s.logTail())
	}
	serr := s.stop()
	if left, rerr := os.ReadDir(filepath.Join(r.root, s.name, "t", "padron-chromium")); rerr == nil && len(left) > 0 {
		serr = errors.Join(serr, fmt.Errorf("server %s left %d Chromium profiles", s.name, len(left)))
	}
	if serr != nil {
		*err = errors.Join(*err, fmt.Errorf("bench: %w", serr))
	}
}
