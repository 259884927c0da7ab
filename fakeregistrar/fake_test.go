package fakeregistrar

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/padron/padron/census"
	"github.com/padron/padron/registrar"
	"golang.org/x/net/html"
)

func TestFakeWSPPageShape(t *testing.T) {
	t.Parallel()
	run := setup(t, Config{})
	c := newClient(t, desktopUA)
	status, body, hdr := c.get(run.WSPURL())
	if status != http.StatusOK {
		t.Fatalf("HTTP %d", status)
	}
	if registrar.IsBlockPage(body) {
		t.Fatal("the form page reads as a block page")
	}
	if !strings.Contains(strings.ToLower(string(body)), "challenge") {
		t.Error(`page lacks the harmless word "challenge" (reCAPTCHA iframe title)`)
	}
	doc := parseHTML(t, body)
	check := func(id, tag string, attrs map[string]string) *html.Node {
		t.Helper()
		n := byID(doc, id)
		if n == nil || n.Data != tag {
			t.Fatalf("no %s#%s", tag, id)
		}
		for k, v := range attrs {
			if got := attrOf(n, k); got != v {
				t.Errorf("%s#%s[%s] = %q, want %q", tag, id, k, got, v)
			}
		}
		return n
	}
	check("nuip", "input", map[string]string{"name": "nuip", "maxlength": "10"})
	check("token", "input", map[string]string{"name": "token", "type": "hidden"})
	check("g-recaptcha-response", "textarea", map[string]string{"name": "g-recaptcha-response"})
	check("enviar", "input", map[string]string{"type": "submit"})
	check("success", "div", nil)
	tipo := check("tipo", "select", map[string]string{"name": "tipo"})
	opts := find(tipo, func(n *html.Node) bool { return n.Data == "option" })
	if len(opts) < 3 || attrOf(opts[0], "value") != "-1" || text(opts[0]) != "LUGAR DE VOTACIÓN ACTUAL" {
		t.Errorf("select#tipo options wrong (%d options)", len(opts))
	}
	boxes := find(doc, func(n *html.Node) bool {
		return strings.Contains(attrOf(n, "class"), "g-recaptcha") && attrOf(n, "data-sitekey") != ""
	})
	if len(boxes) != 1 || attrOf(boxes[0], "data-sitekey") != WSPSiteKey || len(WSPSiteKey) != 40 {
		t.Errorf("div.g-recaptcha[data-sitekey] missing or wrong")
	} else if byID(boxes[0], "g-recaptcha-response") == nil {
		t.Error("textarea#g-recaptcha-response is not inside div.g-recaptcha")
	}
	if !strings.Contains(text(doc), "INFORMACIÓN DEL LUGAR DE VOTACIÓN") {
		t.Error("static heading missing")
	}
	if len(find(doc, func(n *html.Node) bool { return n.Data == "script" && attrOf(n, "src") != "" })) != 0 {
		t.Error("page loads an external script")
	}

	cookies := map[string]*http.Cookie{}
	for _, ck := range (&http.Response{Header: hdr}).Cookies() {
		cookies[ck.Name] = ck
	}
	if ck := cookies["PHPSESSID"]; ck == nil || !ck.HttpOnly || len(ck.Value) != 26 {
		t.Errorf("PHPSESSID cookie = %+v", ck)
	}
	if cookies["cookiesession1"] == nil {
		t.Error("no cookiesession1 cookie")
	}
	ts := regexp.MustCompile(`^TS[0-9a-f]{8}$`)
	hasTS := false
	for name := range cookies {
		hasTS = hasTS || ts.MatchString(name)
	}
	if !hasTS {
		t.Errorf("no F5 TS cookie among %v", cookies)
	}
}

func TestFakeWSPNonceChangesPerLoad(t *testing.T) {
	t.Parallel()
	run := setup(t, Config{})
	c := newClient(t, desktopUA)
	a, b := c.wspForm(run.WSPURL()), c.wspForm(run.WSPURL())
	if a == b {
		t.Fatal("nonce did not change between page loads")
	}
	u, _ := url.Parse(run.URL())
	if n := len(c.hc.Jar.Cookies(u)); n < 3 {
		t.Errorf("jar holds %d cookies, want PHPSESSID, cookiesession1, TS…", n)
	}
	if got := run.Counters().WSPPageLoads; got != 2 {
		t.Errorf("WSPPageLoads = %d, want 2", got)
	}
}

func TestFakeWSPNonceRules(t *testing.T) {
	t.Parallel()
	const cedula = "1020304050"
	for _, tc := range []struct {
		name   string
		submit func(run *Running, c *client) (int, []byte)
		class  error
		reason string
	}{
		{"valid nonce", func(run *Running, c *client) (int, []byte) {
			return c.postWSP(run.WSPURL(), cedula, c.wspForm(run.WSPURL()), "tok-a")
		}, nil, ""},
		{"nonce reused", func(run *Running, c *client) (int, []byte) {
			n := c.wspForm(run.WSPURL())
			if st, _ := c.postWSP(run.WSPURL(), cedula, n, "tok-b1"); st != http.StatusOK {
				t.Errorf("first POST: HTTP %d", st)
			}
			return c.postWSP(run.WSPURL(), cedula, n, "tok-b2")
		}, census.ErrBlocked, "forged or stale token"},
		{"stale nonce", func(run *Running, c *client) (int, []byte) {
			old := c.wspForm(run.WSPURL())
			c.wspForm(run.WSPURL())
			return c.postWSP(run.WSPURL(), cedula, old, "tok-c")
		}, census.ErrBlocked, "forged or stale token"},
		{"foreign nonce", func(run *Running, c *client) (int, []byte) {
			other := newClient(t, desktopUA).wspForm(run.WSPURL())
			c.wspForm(run.WSPURL())
			return c.postWSP(run.WSPURL(), cedula, other, "tok-d")
		}, census.ErrBlocked, "forged or stale token"},
		{"forged nonce", func(run *Running, c *client) (int, []byte) {
			c.wspForm(run.WSPURL())
			return c.postWSP(run.WSPURL(), cedula, "0123456789abcdef0123456789abcdef", "tok-e")
		}, census.ErrBlocked, "forged or stale token"},
		{"no session", func(run *Running, c *client) (int, []byte) {
			return c.postWSP(run.WSPURL(), cedula, "0123456789abcdef0123456789abcdef", "tok-f")
		}, census.ErrTransient, "unknown session"},
		{"empty captcha", func(run *Running, c *client) (int, []byte) {
			return c.postWSP(run.WSPURL(), cedula, c.wspForm(run.WSPURL()), "")
		}, census.ErrCaptcha, "empty captcha"},
		{"captcha token reused", func(run *Running, c *client) (int, []byte) {
			c.postWSP(run.WSPURL(), cedula, c.wspForm(run.WSPURL()), "tok-same")
			return c.postWSP(run.WSPURL(), cedula, c.wspForm(run.WSPURL()), "tok-same")
		}, census.ErrCaptcha, "captcha token reused"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			run := setup(t, Config{})
			status, body := tc.submit(run, newClient(t, desktopUA))
			res, err := registrar.ParseWSP(cedula, status, body)
			if tc.class == nil {
				if err != nil || res.Outcome != census.OutcomeFound {
					t.Fatalf("got %+v, %v; want found", res, err)
				}
				return
			}
			if census.ClassOf(err) != tc.class {
				t.Fatalf("class = %v, want %v (HTTP %d, body %.200s)", census.ClassOf(err), tc.class, status, body)
			}
			recs := run.Lookups()
			if last := recs[len(recs)-1]; last.Reason != tc.reason {
				t.Errorf("last record reason = %q, want %q", last.Reason, tc.reason)
			}
		})
	}
}

func TestFakeHeadlessBlocked(t *testing.T) {
	t.Parallel()
	run := setup(t, Config{BlockStyle: BlockSpanish})
	for _, ua := range []string{headlessUA, ""} {
		c := newClient(t, ua)
		for _, u := range []string{run.WSPURL(), run.EleccionesURL()} {
			status, body, _ := c.get(u)
			if status != http.StatusOK || !registrar.IsBlockPage(body) {
				t.Errorf("UA %q GET %s: HTTP %d, blocked=%v", ua, u, status, registrar.IsBlockPage(body))
			}
		}
		// A desktop client's nonce, posted by the headless one, is still blocked.
		good := newClient(t, desktopUA)
		nonce := good.wspForm(run.WSPURL())
		good.ua = ua
		if status, body := good.postWSP(run.WSPURL(), "1020304050", nonce, "tok-"+randomHex(4)); !registrar.IsBlockPage(body) {
			t.Errorf("UA %q POST wsp: HTTP %d not blocked", ua, status)
		}
		if status, body, _ := c.postAPI(t.Context(), run.EleccionesAPIURL(), "1020304050", "tok-"+randomHex(4)); !registrar.IsBlockPage(body) {
			t.Errorf("UA %q POST api: HTTP %d not blocked", ua, status)
		}
	}
	if got := run.Counters(); got.WSPPageLoads != 2 || got.Blocks != 8 {
		t.Errorf("counters = %+v, want 2 wsp page loads (the desktop ones) and 8 blocks", got)
	}
}

func TestFakeHeadlessAllowed(t *testing.T) {
	t.Parallel()
	run := setup(t, Config{AllowHeadless: true})
	c := newClient(t, headlessUA)
	status, body := c.lookup(run, SourceWSP, "1020304050")
	if _, err := registrar.ParseWSP("1020304050", status, body); err != nil {
		t.Fatalf("AllowHeadless still refused: %v", err)
	}
}

func TestFakeEleccionesPageShape(t *testing.T) {
	t.Parallel()
	run := setup(t, Config{})
	status, body, _ := newClient(t, desktopUA).get(run.EleccionesURL())
	if status != http.StatusOK || registrar.IsBlockPage(body) {
		t.Fatalf("HTTP %d, blocked=%v", status, registrar.IsBlockPage(body))
	}
	doc := parseHTML(t, body)
	in := byID(doc, "document")
	if in == nil || attrOf(in, "type") != "number" || attrOf(in, "maxlength") != "11" {
		t.Error("input#document[type=number][maxlength=11] missing")
	}
	if b := find(doc, func(n *html.Node) bool { return n.Data == "button" && text(n) == "Consultar" }); len(b) != 1 {
		t.Error(`no "Consultar" button`)
	}
	boxes := find(doc, func(n *html.Node) bool { return attrOf(n, "data-sitekey") == EleccionesSiteKey })
	if len(boxes) != 1 || byID(boxes[0], "g-recaptcha-response") == nil {
		t.Error("div.g-recaptcha with the 2026 sitekey and its textarea missing")
	}
	for _, want := range []string{`"identification_type":`, `'Bearer '`, `election_code: 'congreso'`, `module: 'polling_place'`} {
		if !strings.Contains(string(body), want) && !strings.Contains(string(body), strings.ReplaceAll(want, `"`, "")) {
			t.Errorf("script lacks %s", want)
		}
	}
	if !strings.Contains(string(body), `var API = "`+APIPath+`"`) {
		t.Error("script does not post to the API path")
	}
}

func TestFakeAPIAuthAndCORS(t *testing.T) {
	t.Parallel()
	run := setup(t, Config{VerifyToken: func(_ context.Context, source, token string) bool {
		return source == SourceElecciones && token != "bad"
	}})
	c := newClient(t, desktopUA)

	req, _ := http.NewRequestWithContext(t.Context(), http.MethodOptions, run.EleccionesAPIURL(), nil)
	req.Header.Set("Origin", "http://127.0.0.1:9")
	req.Header.Set("Access-Control-Request-Method", "POST")
	req.Header.Set("Access-Control-Request-Headers", "authorization,content-type")
	status, _, hdr := c.do(req)
	if status != http.StatusNoContent || hdr.Get("Access-Control-Allow-Origin") != "http://127.0.0.1:9" ||
		!strings.Contains(hdr.Get("Access-Control-Allow-Headers"), "Authorization") ||
		!strings.Contains(hdr.Get("Access-Control-Allow-Methods"), "POST") {
		t.Errorf("preflight: HTTP %d, headers %v", status, hdr)
	}

	for _, tc := range []struct{ name, bearer string }{{"missing bearer", ""}, {"rejected token", "bad"}} {
		status, body, hdr := c.postAPI(t.Context(), run.EleccionesAPIURL(), "1020304050", tc.bearer)
		if status != http.StatusForbidden || hdr.Get("Access-Control-Allow-Origin") == "" {
			t.Errorf("%s: HTTP %d, ACAO %q", tc.name, status, hdr.Get("Access-Control-Allow-Origin"))
		}
		if _, err := registrar.ParseElecciones("1020304050", 0, body); census.ClassOf(err) != census.ErrCaptcha {
			t.Errorf("%s: stored body parses as %v, want captcha", tc.name, err)
		}
	}
	status, _, _ = c.postAPI(t.Context(), run.EleccionesAPIURL(), "1020304050", "good")
	if status != http.StatusOK {
		t.Errorf("good token: HTTP %d", status)
	}
	if status, _, _ = c.postAPI(t.Context(), run.EleccionesAPIURL(), "1020304050", "good"); status != http.StatusForbidden {
		t.Errorf("reused token: HTTP %d, want 403", status)
	}
	if got := run.Counters().Preflights; got != 1 {
		t.Errorf("Preflights = %d, want 1", got)
	}
}

func TestFakeUnknownCedulaDefaults(t *testing.T) {
	t.Parallel()
	const cedula = "1098765432"
	runs := []*Running{setup(t, Config{Fixtures: []Fixture{}}), setup(t, Config{})}
	var results []census.Result
	for _, run := range runs {
		status, body := newClient(t, desktopUA).lookup(run, SourceWSP, cedula)
		r, err := registrar.ParseWSP(cedula, status, body)
		if err != nil || r.Outcome != census.OutcomeFound || r.Mesa == "" {
			t.Fatalf("unknown cedula: %+v, %v", r, err)
		}
		r.Raw = ""
		results = append(results, r)
	}
	if results[0] != results[1] {
		t.Errorf("generated location not deterministic: %+v vs %+v", results[0], results[1])
	}
	run := setup(t, Config{DefaultCase: CaseNotFound})
	status, body := newClient(t, desktopUA).lookup(run, SourceElecciones, cedula)
	if r, err := registrar.ParseElecciones(cedula, status, body); err != nil || r.Outcome != census.OutcomeNotFound {
		t.Errorf("DefaultCase not_found: %+v, %v", r, err)
	}
}

func TestFakeSetFixtureAndFlaky(t *testing.T) {
	t.Parallel()
	run := setup(t, Config{})
	const cedula = "3216549870"
	run.SetFixture(Fixture{Cedula: cedula, Case: CaseFlaky, FailTimes: 2})
	c := newClient(t, desktopUA)
	for i, want := range []error{census.ErrTransient, census.ErrTransient, nil, nil} {
		status, body := c.lookup(run, SourceElecciones, cedula)
		_, err := registrar.ParseElecciones(cedula, status, body)
		if census.ClassOf(err) != want {
			t.Fatalf("attempt %d: %v, want %v", i+1, err, want)
		}
	}
	run.SetFixture(Fixture{Cedula: cedula, Case: CaseBlocked500})
	status, body := c.lookup(run, SourceWSP, cedula)
	if _, err := registrar.ParseWSP(cedula, status, body); status != 500 || census.ClassOf(err) != census.ErrBlocked {
		t.Errorf("after SetFixture: HTTP %d, %v", status, err)
	}
}

func TestFakeConcurrentLookups(t *testing.T) {
	t.Parallel()
	run := setup(t, Config{})
	const workers, each = 8, 10
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := range workers {
		wg.Go(func() {
			c := newClient(t, desktopUA)
			for i := range each {
				src := SourceWSP
				if i%2 == 1 {
					src = SourceElecciones
				}
				ced := "55" + strings.Repeat("0", 4) + string(rune('0'+w)) + string(rune('0'+i))
				status, body := c.lookup(run, src, ced)
				if _, err := registrar.Parse(census.Source(src), ced, status, body); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := len(run.Lookups()); n != workers*each {
		t.Errorf("recorded %d lookups, want %d", n, workers*each)
	}
}

func TestFakeDelayEndsOnClose(t *testing.T) {
	t.Parallel()
	run, err := Start(t.Context(), "", Config{Fixtures: []Fixture{{Cedula: "777", Case: CaseSlow, Delay: time.Hour}}})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan int, 1)
	c := newClient(t, desktopUA)
	go func() {
		st, _, _ := c.postAPI(context.Background(), run.EleccionesAPIURL(), "777", "tok")
		done <- st
	}()
	waitFor(t, func() bool { return len(run.Lookups()) == 1 })
	if err := run.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	select {
	case st := <-done:
		if st != http.StatusOK {
			t.Errorf("delayed answer: HTTP %d", st)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("delayed request still held after Close")
	}
}

func TestFakeStartStopsWithContext(t *testing.T) {
	t.Parallel()
	if _, err := Start(t.Context(), "0.0.0.0:0", Config{}); err == nil {
		t.Error("Start accepted a non-loopback address")
	}
	ctx, cancel := context.WithCancel(t.Context())
	run, err := Start(ctx, "127.0.0.1:0", Config{})
	if err != nil {
		t.Fatal(err)
	}
	if st, _, _ := newClient(t, desktopUA).get(run.URL() + "/"); st != http.StatusOK {
		t.Fatalf("index: HTTP %d", st)
	}
	cancel()
	waitFor(t, func() bool {
		_, err := http.Get(run.URL() + "/")
		return err != nil
	})
}

func TestFakeMount(t *testing.T) {
	t.Parallel()
	run := setup(t, Config{})
	run.Mount("/captcha", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]string{"path": r.URL.Path})
	}))
	_, body, _ := newClient(t, desktopUA).get(run.URL() + "/captcha/in.php")
	if !strings.Contains(string(body), `"path":"/in.php"`) {
		t.Errorf("mounted handler got %s", body)
	}
}

// waitFor polls cond until it holds or a deadline passes.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met before deadline")
		}
		time.Sleep(10 * time.Millisecond) // polling interval, not synchronisation
	}
}
