package webtest_test

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/go-rod/rod"

	"github.com/padron/padron/apptest"
	"github.com/padron/padron/chromiumtest"
	_ "github.com/padron/padron/migrations"
	"github.com/padron/padron/schema"
)

// restartable is a Chromium with a profile on disk that survives a close,
// as a phone's browser keeps its storage between uses.
type restartable struct {
	t       *testing.T
	bin     string
	profile string
	b       *rod.Browser
	pid     int
}

func (r *restartable) start() {
	r.t.Helper()
	l, b, err := launch(r.bin, r.profile)
	if err != nil {
		r.t.Fatalf("launch chromium: %v", err)
	}
	r.b, r.pid = b, l.PID()
}

// stop closes the browser the way a person does (not a kill), then waits
// for the process to exit, so the profile holds what Chromium saved.
func (r *restartable) stop() {
	r.t.Helper()
	if r.b == nil {
		return
	}
	_ = r.b.Close()
	r.b = nil
	deadline := time.Now().Add(15 * time.Second)
	for syscall.Kill(r.pid, 0) == nil {
		if time.Now().After(deadline) {
			_ = syscall.Kill(r.pid, syscall.SIGKILL)
			r.t.Fatalf("chromium %d did not exit", r.pid)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestRecordarmeAcrossBrowserRestart: ticked, the session survives closing
// the browser; unticked, it ends with it. The token lasts 14 days.
func TestRecordarmeAcrossBrowserRestart(t *testing.T) {
	e := newEnv(t)
	r := &restartable{t: t, bin: chromiumtest.Path(t), profile: t.TempDir()}
	t.Cleanup(r.stop)

	r.start()
	tb := openIn(t, r.b, e.srv.URL, "", 390)
	tb.login(e.cast.MemberA.Cedula, apptest.Password, true)
	stored := mustEval(t, tb, `() => localStorage.getItem("padron_auth") || ""`).Str()
	if stored == "" {
		t.Fatal("Recordarme ticked but nothing in localStorage")
	}
	if days := tokenDays(t, stored); days < 13.9 || days > 14.1 {
		t.Errorf("token lasts %.2f days, want %d", days, schema.SessionDays)
	}
	r.stop()

	r.start()
	tb = openIn(t, r.b, e.srv.URL, "/inicio", 390)
	tb.waitPath("/inicio")
	tb.waitText("h1", "Hola, Ana")

	// Log out, log in again without Recordarme: the browser forgets it.
	tb.clickText("Salir")
	tb.waitPath("/ingreso")
	tb.login(e.cast.MemberA.Cedula, apptest.Password, false)
	if v := mustEval(t, tb, `() => localStorage.getItem("padron_auth") || ""`).Str(); v != "" {
		t.Errorf("Recordarme unticked but the session is in localStorage")
	}
	tb.nav("/perfil") // a reload keeps the session within the browser's life
	tb.waitPath("/perfil")
	r.stop()

	r.start()
	tb = openIn(t, r.b, e.srv.URL, "/inicio", 390)
	tb.waitPath("/ingreso")
	if !strings.Contains(tb.url(), "next=%2Finicio") {
		t.Errorf("login page does not bring the person back: %s", tb.url())
	}
	r.stop()
}

// tokenDays reads the stored session's token lifetime.
func tokenDays(t *testing.T, stored string) float64 {
	t.Helper()
	var s struct{ Token string }
	if err := json.Unmarshal([]byte(stored), &s); err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(s.Token, ".")
	if len(parts) != 3 {
		t.Fatalf("token %q", s.Token)
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var claims struct{ Exp int64 }
	if err := json.Unmarshal(payload, &claims); err != nil {
		t.Fatal(err)
	}
	return time.Until(time.Unix(claims.Exp, 0)).Hours() / 24
}

// TestSuperuserReachesTheDashboardSignedIn: a superuser's "Referidos" is
// no dead end: it links to the dashboard's users collection, and the app
// leaves its session where the dashboard (/_/) looks for one, valid, so
// the dashboard opens signed in (the test server does not serve /_/ itself:
// what it would do first, the token's refresh, is done here).
func TestSuperuserReachesTheDashboardSignedIn(t *testing.T) {
	e := newEnv(t)
	for _, width := range []int{390, 1280} {
		tb := open(t, e.srv.URL, "", width)
		tb.login("admin@padron.test", apptest.Password, true)
		tb.nav("/referidos")
		tb.waitText("main", "panel de administración")
		tb.axe("referidos-admin")
		tb.screenshot("referidos-admin", width)
		if href := mustEval(t, tb, `() => document.querySelector("main a.btn").getAttribute("href")`).Str(); href != "/_/#/collections?collection=users" {
			t.Errorf("the dashboard link goes to %q", href)
		}
		status := mustEval(t, tb, `async () => {
			const s = JSON.parse(localStorage.getItem("__pb_superusers__/_") || "{}");
			if (s.record?.collectionName !== "_superusers" || !s.token) return "no dashboard session";
			const r = await fetch("/api/collections/_superusers/auth-refresh", { method: "POST", headers: { Authorization: s.token } });
			return String(r.status);
		}`).Str()
		if status != "200" {
			t.Errorf("the dashboard's session: %s, want a token the dashboard can refresh (200)", status)
		}
		tb.checkClean()
	}
}
