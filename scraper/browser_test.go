package scraper

import (
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/go-rod/rod/lib/launcher/flags"
	"github.com/go-rod/rod/lib/proto"

	"github.com/padron/padron/captcha"
	"github.com/padron/padron/census"
	"github.com/padron/padron/fakecaptcha"
	"github.com/padron/padron/fakeregistrar"
)

// mustFind looks a cédula up and fails the test unless it is found.
func mustFind(t *testing.T, e *Engine, ced string) {
	t.Helper()
	res, err := e.Lookup(t.Context(), ced)
	if err != nil || res.Outcome != census.OutcomeFound {
		t.Fatalf("Lookup(%s) = %+v, %v; want found", ced, res, err)
	}
}

// gone reports whether no process of procs is alive.
func gone(procs []procEntry) bool {
	for _, p := range procs {
		if p.alive() {
			return false
		}
	}
	return true
}

// TestCloseLeavesNoProcess checks Close kills Chromium's whole process
// family (leakless guard included), removes its profile, and that the
// engine refuses lookups afterwards.
func TestCloseLeavesNoProcess(t *testing.T) {
	f := startFakes(t)
	e, err := New(f.config(t, census.SourceWSP, f.solver(t, captcha.APIClassic, fakecaptcha.KeyGood)))
	if err != nil {
		t.Fatal(err)
	}
	if e.pool.current() != nil {
		t.Fatal("New launched a browser; it must wait for the first lookup")
	}
	var wg sync.WaitGroup
	for _, ced := range []string{cedFound, "1036601234"} {
		wg.Go(func() {
			if res, err := e.Lookup(t.Context(), ced); err != nil || res.Outcome != census.OutcomeFound {
				t.Errorf("Lookup(%s) = %+v, %v; want found", ced, res, err)
			}
		})
	}
	wg.Wait()
	b := e.pool.current()
	procs := b.processes()
	if len(procs) < 3 {
		t.Fatalf("chromium family has %d processes, want the browser, its helpers and the guard", len(procs))
	}
	for _, p := range procs {
		if p.alive() && !descendsFrom(p.PID, os.Getpid()) && p.alive() { // a renderer may exit meanwhile
			t.Fatalf("pid %d is not ours", p.PID)
		}
	}
	profile := b.launcher.Get(flags.UserDataDir)

	if err := e.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	for _, p := range procs {
		if p.alive() {
			t.Errorf("pid %d survived Close", p.PID)
		}
	}
	if _, err := os.Stat(profile); !os.IsNotExist(err) {
		t.Errorf("profile dir %s left behind (%v)", profile, err)
	}
	_, err = e.Lookup(t.Context(), cedFound)
	if err == nil || !strings.Contains(err.Error(), "shutting down") {
		t.Fatalf("Lookup after Close: %v, want a shutting-down error", err)
	}
}

// descendsFrom reports whether pid's parent chain reaches ancestor.
func descendsFrom(pid, ancestor int) bool {
	for pid > 1 {
		if pid == ancestor {
			return true
		}
		p, ok := readProc(pid)
		if !ok {
			return false
		}
		pid = p.PPID
	}
	return false
}

// TestRecycle checks the browser is replaced after RecycleAfter lookups,
// and that a lookup still running on the old one finishes first.
func TestRecycle(t *testing.T) {
	f := startFakes(t)
	const slowCed = "1000000099"
	// Held until the test releases it (Server.Close ends every hold).
	f.reg.SetFixture(fakeregistrar.Fixture{Cedula: slowCed, Case: fakeregistrar.CaseSlow, Delay: time.Minute})
	cfg := f.config(t, census.SourceWSP, f.solver(t, captcha.APIClassic, fakecaptcha.KeyGood))
	cfg.RecycleAfter = 2
	e := newEngine(t, cfg)

	mustFind(t, e, cedFound)
	first := e.pool.current()
	slow := make(chan error, 1)
	go func() { // the old browser's second and last lookup, held by the site
		res, err := e.Lookup(t.Context(), slowCed)
		if err == nil && res.Outcome != census.OutcomeFound {
			err = census.Fail(census.ErrSiteChanged, nil, "outcome %s", res.Outcome)
		}
		slow <- err
	}()
	waitFor(t, 20*time.Second, "the slow lookup to reach the site", func() bool {
		for _, r := range f.reg.Lookups() {
			if r.Cedula == slowCed {
				return true
			}
		}
		return false
	})
	procs := first.processes()

	mustFind(t, e, cedFound) // runs on a fresh browser
	second := e.pool.current()
	if second == first || second.pid == first.pid {
		t.Fatalf("browser not recycled after %d lookups", cfg.RecycleAfter)
	}
	if gone(procs) {
		t.Fatal("old browser closed while a lookup was still running on it")
	}
	f.reg.Server.Close() // let the site answer the held lookup
	if err := <-slow; err != nil {
		t.Fatalf("in-flight lookup on the retiring browser: %v", err)
	}
	waitFor(t, 10*time.Second, "the retired browser to exit", func() bool { return gone(procs) })
}

// TestBrowserDeath checks a Chromium that died is replaced on the next
// lookup.
func TestBrowserDeath(t *testing.T) {
	f := startFakes(t)
	e := newEngine(t, f.config(t, census.SourceElecciones, f.solver(t, captcha.APITask, fakecaptcha.KeyGood)))
	mustFind(t, e, cedFound)
	dead := e.pool.current()
	procs := dead.processes()
	if err := syscall.Kill(dead.pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "the killed browser to be noticed", dead.dead)
	mustFind(t, e, cedFound)
	if e.pool.current() == dead {
		t.Fatal("still using the dead browser")
	}
	waitFor(t, 10*time.Second, "the dead browser's helpers to exit", func() bool { return gone(procs) })
}

// TestMissingChromium checks a wrong browser path fails the lookup with a
// clear, retryable error instead of downloading a browser.
func TestMissingChromium(t *testing.T) {
	f := startFakes(t)
	cfg := f.config(t, census.SourceWSP, f.solver(t, captcha.APIClassic, fakecaptcha.KeyGood))
	cfg.ChromiumPath = "/nonexistent/chromium"
	e := newEngine(t, cfg)
	_, err := e.Lookup(t.Context(), cedFound)
	wantClass(t, err, census.ErrTransient)
	if !strings.Contains(err.Error(), "/nonexistent/chromium") {
		t.Errorf("message %q does not name the binary", err)
	}
}

// TestSessionCostsOneRenderer checks an incognito context opens no browser
// UI of its own: Chromium 156 loads its omnibox popups as WebUI pages in a
// renderer per window, which doubled each lookup's cost until disabled.
func TestSessionCostsOneRenderer(t *testing.T) {
	f := startFakes(t)
	e := newEngine(t, f.config(t, census.SourceWSP, f.solver(t, captcha.APIClassic, fakecaptcha.KeyGood)))
	mustFind(t, e, cedFound) // launches the browser
	b, err := e.pool.acquire(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer e.pool.release(b)
	s, err := openSession(t.Context(), b, userAgent(e.cfg.UserAgent))
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	page := s.page.Context(t.Context())
	page.MustNavigate(e.site.pageURL)
	if _, err := e.site.awaitForm(t.Context(), page, func() int { return 0 }); err != nil {
		t.Fatal(err)
	}
	targets, err := proto.TargetGetTargets{}.Call(b.rod)
	if err != nil {
		t.Fatal(err)
	}
	for _, ti := range targets.TargetInfos {
		if ti.BrowserContextID == s.ctxID && ti.Type != proto.TargetTargetInfoTypePage {
			t.Errorf("the lookup's context holds a %s target at %s", ti.Type, ti.URL)
		}
	}
	// The previous lookup's renderer may still be exiting: wait it out.
	renderers := func() (n int) {
		for _, p := range b.processes() {
			cmd, _ := os.ReadFile("/proc/" + strconv.Itoa(p.PID) + "/cmdline")
			if strings.Contains(string(cmd), "--type=renderer") {
				n++
			}
		}
		return n
	}
	waitFor(t, 10*time.Second, "one renderer process for the one open page", func() bool { return renderers() == 1 })
}
