package webtest_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/launcher"
	"github.com/go-rod/rod/lib/proto"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/ysmood/gson"

	"github.com/padron/padron/apptest"
	"github.com/padron/padron/chromiumtest"
	"github.com/padron/padron/config"
	"github.com/padron/padron/fakecaptcha"
	"github.com/padron/padron/fakeregistrar"
	"github.com/padron/padron/schema"
	"github.com/padron/padron/server"
)

// wait is how long a condition in the browser may take to hold; generous
// for a loaded 2-core machine (the E-14's answer, a photo upload, missed
// 20 s twice at load 15-34), never slept through.
const wait = 40 * time.Second

// httpServer is the app's full router on a real loopback listener that can be
// stopped and started again on the same address, as a restarted binary.
type httpServer struct {
	handler http.Handler
	// refuseRealtime makes GET /api/realtime answer 503, as a server that
	// is not up yet for the page's first realtime connection.
	refuseRealtime atomic.Bool
	addr           string
	URL            string

	mu  sync.Mutex
	srv *http.Server
}

func serve(t testing.TB, app core.App) *httpServer {
	t.Helper()
	r, err := apis.NewRouter(app)
	if err != nil {
		t.Fatal(err)
	}
	s := &httpServer{}
	err = app.OnServe().Trigger(&core.ServeEvent{App: app, Router: r}, func(e *core.ServeEvent) error {
		mux, err := e.Router.BuildMux()
		s.handler = mux
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.addr = ln.Addr().String()
	s.URL = "http://" + s.addr
	s.run(ln)
	t.Cleanup(s.stop)
	return s
}

func (s *httpServer) run(ln net.Listener) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/realtime" && r.Method == http.MethodGet && s.refuseRealtime.Load() {
			http.Error(w, "not yet", http.StatusServiceUnavailable)
			return
		}
		s.handler.ServeHTTP(w, r)
	})
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	s.mu.Lock()
	s.srv = srv
	s.mu.Unlock()
	go func() { _ = srv.Serve(ln) }()
}

// stop closes the listener and every connection, realtime streams included.
func (s *httpServer) stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.srv != nil {
		_ = s.srv.Close()
		s.srv = nil
	}
}

// start listens again on the same address.
func (s *httpServer) start(t testing.TB) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		ln, err := net.Listen("tcp", s.addr)
		if err == nil {
			s.run(ln)
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("listen again on %s: %v", s.addr, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// env is one server with its app and seeded cast.
type env struct {
	app  *tests.TestApp
	srv  *httpServer
	cast apptest.Cast
	gate *gate // nil without a worker
}

// newEnv is the server as the binary builds it (server.Build, the embedded
// web app) without the census worker: records stay where the test puts them.
func newEnv(t *testing.T) *env {
	t.Helper()
	app := apptest.NewApp(t)
	t.Cleanup(app.Cleanup)
	return &env{app: app, srv: serve(t, app), cast: apptest.Seeded(t)}
}

// gate holds the fake registrar's answers until opened, so a test sees a
// check in flight before it ends.
type gate struct {
	once sync.Once
	ch   chan struct{}
}

func (g *gate) open() { g.once.Do(func() { close(g.ch) }) }

func (g *gate) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == fakeregistrar.WSPPath {
			select {
			case <-g.ch:
			case <-r.Context().Done():
				return
			}
		}
		h.ServeHTTP(w, r)
	})
}

// newLiveEnv is the whole server with the census worker (server.Build, as
// the binary), its real lookup engine on Chromium, the fake registrar (held
// by the env's gate) and the fake captcha service mounted beside it.
func newLiveEnv(t *testing.T) *env {
	t.Helper()
	reg := fakeregistrar.New(fakeregistrar.Config{
		VerifyToken: func(_ context.Context, _, token string) bool {
			return strings.HasPrefix(token, fakecaptcha.TokenPrefix)
		},
	})
	t.Cleanup(reg.Close)
	reg.Mount("/captcha", fakecaptcha.New(fakecaptcha.Config{}))
	g := &gate{ch: make(chan struct{})}
	site := httptest.NewServer(g.wrap(reg))
	t.Cleanup(site.Close)

	cfg := config.Default()
	cfg.RegistrarURL = site.URL + fakeregistrar.WSPPath
	cfg.CaptchaURL = site.URL + "/captcha"
	cfg.CaptchaKey = fakecaptcha.KeyGood
	cfg.CaptchaFirstPoll = time.Millisecond
	cfg.CaptchaPollInterval = 10 * time.Millisecond
	cfg.ChromiumPath = chromiumtest.Path(t)
	cfg.Concurrency, cfg.BrowserPool = 2, 2
	cfg.MaxAttempts = 1
	cfg.Pacing.Gap, cfg.Pacing.Jitter = 0, 0

	app := apptest.NewBareApp(t)
	t.Cleanup(app.Cleanup) // terminates: stops the worker, closes Chromium
	t.Cleanup(g.open)      // first: let held lookups finish
	if _, err := server.Build(app, cfg); err != nil {
		t.Fatal(err)
	}
	return &env{app: app, srv: serve(t, app), cast: apptest.Seeded(t), gate: g} // serving starts the worker
}

// setInfo writes a user's census record as the worker would.
func (e *env) setInfo(t testing.TB, userID string, fields map[string]any) {
	t.Helper()
	rec, err := e.app.FindFirstRecordByData("cedula_info", "user", userID)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range fields {
		rec.Set(k, v)
	}
	if err := e.app.Save(rec); err != nil {
		t.Fatal(err)
	}
}

// addUser creates a user referred by referredBy (may be empty).
func (e *env) addUser(t testing.TB, name, cedula, role, referredBy string) string {
	t.Helper()
	col, err := e.app.FindCollectionByNameOrId("users")
	if err != nil {
		t.Fatal(err)
	}
	r := core.NewRecord(col)
	r.Set("name", name)
	r.Set("cedula", cedula)
	r.Set("phone", "3101234567")
	r.Set("role", role)
	r.Set("referred_by", referredBy)
	r.Set("referral_goal", 10)
	r.Set("data_policy_version", schema.PolicyVersion) // registered under the policy in force
	r.SetPassword(apptest.Password)
	if err := e.app.Save(r); err != nil {
		t.Fatal(err)
	}
	return r.Id
}

func (e *env) status(t testing.TB, userID string) string {
	t.Helper()
	rec, err := e.app.FindFirstRecordByData("cedula_info", "user", userID)
	if err != nil {
		t.Fatal(err)
	}
	return rec.GetString("status")
}

// ---------------------------------------------------------------- browser

var (
	browserOnce sync.Once
	shared      *rod.Browser
	sharedL     *launcher.Launcher
	browserErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if shared != nil {
		_ = shared.Close()
		sharedL.Kill()
		sharedL.Cleanup()
	}
	os.Exit(code)
}

func launch(bin, profile string) (*launcher.Launcher, *rod.Browser, error) {
	l := launcher.New().Bin(bin).UserDataDir(profile).Headless(true).NoSandbox(true).Leakless(true).
		Set("disable-gpu").Set("disable-extensions").Set("disable-component-update").
		Set("disable-background-networking").Set("no-first-run").Set("disable-sync").
		Set("disable-crash-reporter").Set("mute-audio").Set("lang", "es-CO").
		Append("disable-features", "Translate", "MediaRouter", "OptimizationHints", "AutofillServerCommunication",
			"WebUIOmniboxPopup", "WebUIOmniboxAimPopup")
	u, err := l.Launch()
	if err != nil {
		return nil, nil, err
	}
	b := rod.New().ControlURL(u)
	if err := b.Connect(); err != nil {
		l.Kill()
		return nil, nil, err
	}
	return l, b, nil
}

// browser is one Chromium for the whole package; every test page lives in
// its own incognito context (no shared storage, and no background tabs).
func browser(t testing.TB) *rod.Browser {
	t.Helper()
	bin := chromiumtest.Path(t)
	browserOnce.Do(func() {
		dir, err := os.MkdirTemp("", "padron-webtest-")
		if err != nil {
			browserErr = err
			return
		}
		sharedL, shared, browserErr = launch(bin, dir)
	})
	if browserErr != nil {
		t.Fatalf("launch chromium: %v", browserErr)
	}
	return shared
}

// tab is a page plus what it saw: every request's URL, console errors and
// uncaught exceptions.
type tab struct {
	*rod.Page
	t    testing.TB
	base string

	mu       sync.Mutex
	requests []string
	errors   []string
	bytes    map[proto.NetworkRequestID]int
	total    int
}

// open starts a fresh incognito context (a new browser profile in all but
// name) with a width-px-wide viewport on base+path.
func open(t testing.TB, base, path string, width int) *tab {
	t.Helper()
	ctx, err := browser(t).Incognito()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ctx.Close() })
	return openIn(t, ctx, base, path, width)
}

func openIn(t testing.TB, b *rod.Browser, base, path string, width int) *tab {
	t.Helper()
	p, err := b.Page(proto.TargetCreateTarget{})
	if err != nil {
		t.Fatal(err)
	}
	tb := &tab{Page: p.Timeout(60 * time.Second), t: t, base: base, bytes: map[proto.NetworkRequestID]int{}}
	t.Cleanup(func() { _ = p.Close() })
	height := 844
	if width > 600 {
		height = 900
	}
	if err := (proto.EmulationSetDeviceMetricsOverride{Width: width, Height: height, DeviceScaleFactor: 1, Mobile: width < 600}).Call(p); err != nil {
		t.Fatal(err)
	}
	_ = proto.NetworkEnable{}.Call(p)
	go p.EachEvent(
		func(e *proto.NetworkRequestWillBeSent) {
			tb.mu.Lock()
			tb.requests = append(tb.requests, e.Request.URL)
			tb.mu.Unlock()
		},
		func(e *proto.NetworkLoadingFinished) {
			tb.mu.Lock()
			tb.total += int(e.EncodedDataLength)
			tb.mu.Unlock()
		},
		func(e *proto.RuntimeExceptionThrown) {
			tb.mu.Lock()
			tb.errors = append(tb.errors, "exception: "+e.ExceptionDetails.Text+" "+exceptionText(e))
			tb.mu.Unlock()
		},
		func(e *proto.RuntimeConsoleAPICalled) {
			if e.Type == proto.RuntimeConsoleAPICalledTypeError {
				var parts []string
				for _, a := range e.Args {
					parts = append(parts, a.Value.String()+a.Description)
				}
				tb.mu.Lock()
				tb.errors = append(tb.errors, "console.error: "+strings.Join(parts, " "))
				tb.mu.Unlock()
			}
		},
	)()
	if path != "" {
		tb.nav(path)
	}
	return tb
}

func exceptionText(e *proto.RuntimeExceptionThrown) string {
	if e.ExceptionDetails.Exception != nil {
		return e.ExceptionDetails.Exception.Description
	}
	return ""
}

// nav loads base+path and waits for the app to have rendered it.
func (tb *tab) nav(path string) {
	tb.t.Helper()
	if err := tb.Navigate(tb.base + path); err != nil {
		tb.t.Fatalf("navigate %s: %v", path, err)
	}
	tb.ready()
}

// ready waits until the app says the current page is rendered.
func (tb *tab) ready() {
	tb.t.Helper()
	tb.until("the page to render", `() => document.body && document.body.dataset.ready === "1"`)
}

// until polls js (a function returning a boolean) until it is true.
func (tb *tab) until(what, js string, args ...any) {
	tb.t.Helper()
	deadline := time.Now().Add(wait)
	var last error
	for time.Now().Before(deadline) {
		res, err := tb.Eval(js, args...)
		if err == nil && res.Value.Bool() {
			return
		}
		last = err
		time.Sleep(25 * time.Millisecond)
	}
	tb.t.Fatalf("timed out waiting for %s (last error %v); page %s; text: %.600s", what, last, tb.url(), tb.text("body"))
}

func (tb *tab) url() string {
	res, err := tb.Eval(`() => location.pathname + location.search`)
	if err != nil {
		return "?"
	}
	return res.Value.Str()
}

// text is the visible text of the first element matching sel ("" if none).
func (tb *tab) text(sel string) string {
	res, err := tb.Eval(`(s) => { const el = document.querySelector(s); return el ? el.innerText : "" }`, sel)
	if err != nil {
		return ""
	}
	return res.Value.Str()
}

// waitText waits until sel's text contains want.
func (tb *tab) waitText(sel, want string) {
	tb.t.Helper()
	tb.until(fmt.Sprintf("%s to say %q", sel, want),
		`(s, w) => { const el = document.querySelector(s); return !!el && el.innerText.includes(w) }`, sel, want)
}

// waitPath waits until the app shows path.
func (tb *tab) waitPath(path string) {
	tb.t.Helper()
	tb.until("path "+path, `(p) => location.pathname === p && document.body.dataset.ready === "1"`, path)
}

// fill types into the input named name (JS-set, then an input event, as a
// person's typing would fire).
func (tb *tab) fill(name, value string) {
	tb.t.Helper()
	_, err := tb.Eval(`(n, v) => { const el = document.querySelector('[name="' + n + '"]');
		el.focus(); el.value = v; el.dispatchEvent(new Event("input", { bubbles: true })); }`, name, value)
	if err != nil {
		tb.t.Fatalf("fill %s: %v", name, err)
	}
}

func (tb *tab) click(sel string) {
	tb.t.Helper()
	_, err := tb.Eval(`(s) => { const el = document.querySelector(s); if (!el) throw new Error("no " + s); el.click(); }`, sel)
	if err != nil {
		tb.t.Fatalf("click %s: %v", sel, err)
	}
}

// clickText clicks the first button or link whose text contains text.
func (tb *tab) clickText(text string) {
	tb.t.Helper()
	_, err := tb.Eval(`(w) => { const el = [...document.querySelectorAll("button, a")].find((b) => b.innerText.includes(w));
		if (!el) throw new Error("no button " + w); el.click(); }`, text)
	if err != nil {
		tb.t.Fatalf("click %q: %v", text, err)
	}
}

// foreignRequests are requests that left the server's origin.
func (tb *tab) foreignRequests() []string {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	origin, _ := url.Parse(tb.base)
	var out []string
	for _, r := range tb.requests {
		u, err := url.Parse(r)
		if err != nil || (u.Scheme != "data" && u.Scheme != "blob" && u.Host != origin.Host) {
			out = append(out, r)
		}
	}
	return out
}

// checkClean fails the test on requests to other origins and on script
// errors (a CSP violation shows up as one).
func (tb *tab) checkClean() {
	tb.t.Helper()
	if f := tb.foreignRequests(); len(f) > 0 {
		tb.t.Errorf("requests left the origin: %v", f)
	}
	tb.mu.Lock()
	defer tb.mu.Unlock()
	for _, e := range tb.errors {
		if strings.Contains(e, "Failed to load resource") || strings.Contains(e, "status of 4") {
			continue // an expected 4xx answer (wrong password, cooldown) is logged by the browser
		}
		tb.t.Errorf("script error on %s: %s", tb.base, e)
	}
}

// screenshot saves a full-page PNG as name-<width>.png in the artifacts dir.
func (tb *tab) screenshot(name string, width int) string {
	tb.t.Helper()
	dir := os.Getenv("PADRON_SCREENSHOTS")
	if dir == "" {
		dir = tb.t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.t.Fatal(err)
	}
	// Let fonts and the last frame settle: wait for two animation frames.
	_, _ = tb.Eval(`() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))`)
	img, err := tb.Screenshot(true, &proto.PageCaptureScreenshot{Format: proto.PageCaptureScreenshotFormatPng})
	if err != nil {
		tb.t.Fatalf("screenshot %s: %v", name, err)
	}
	p := filepath.Join(dir, fmt.Sprintf("%s-%d.png", name, width))
	if err := os.WriteFile(p, img, 0o644); err != nil {
		tb.t.Fatal(err)
	}
	return p
}

// login signs in through the form.
func (tb *tab) login(cedula, password string, remember bool) {
	tb.t.Helper()
	tb.nav("/ingreso")
	tb.fill("identity", cedula)
	tb.fill("password", password)
	if _, err := tb.Eval(`(r) => { document.querySelector('[name="remember"]').checked = r }`, remember); err != nil {
		tb.t.Fatal(err)
	}
	tb.click("form button[type=submit]")
	tb.waitPath("/inicio")
}

// mustEval runs js on the page and returns its value.
func mustEval(t testing.TB, tb *tab, js string, args ...any) gson.JSON {
	t.Helper()
	res, err := tb.Eval(js, args...)
	if err != nil {
		t.Fatalf("eval %.60s: %v", js, err)
	}
	return res.Value
}
