package webtest_test

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/go-rod/rod"
	"github.com/pocketbase/pocketbase/core"

	"github.com/padron/padron/apptest"
)

// TestLogoutWhileAnotherTabRenews: a tab opened with a remembered session
// renews it as it loads; when that renewal comes back after a logout in
// another tab, it must not bring the session back (in that tab, or in the
// storage every tab reads).
func TestLogoutWhileAnotherTabRenews(t *testing.T) {
	e := newEnv(t)
	ctx, a := signedInContext(t, e)
	b := openIn(t, ctx, e.srv.URL, "", 390)
	// The server holds the second tab's renewal until the first has logged out.
	hold := holdAuthRefresh(t, e, func(*http.Request) bool { return true })
	b.nav("/perfil")
	hold.waitHeld("the second tab never renewed its session")
	a.clickText("Salir")
	a.waitPath("/ingreso")
	b.waitPath("/ingreso")

	hold.release()
	b.until("the renewal's answer handled", `() => document.documentElement.dataset.session === "overtaken"`)
	noStoredSession(t, b, "the renewal stored the session again")
	b.nav("/perfil")
	b.waitPath("/ingreso")
	a.nav("/perfil")
	a.waitPath("/ingreso")
	b.checkClean()
}

// TestLogoutInAnotherTabWhileThisOneSaves: a tab that stores its session
// again (a fresher record of the person) after another tab logged out, but
// before that logout's storage event reaches it, must still follow the
// logout rather than keep the copy it wrote back. The second tab is held
// in one synchronous task (a blocking request the server holds) across the
// first tab's logout, then saves, so the event always comes after the save.
func TestLogoutInAnotherTabWhileThisOneSaves(t *testing.T) {
	e := newEnv(t)
	ctx, a := signedInContext(t, e)
	b := openIn(t, ctx, e.srv.URL, "/perfil", 390)
	b.waitPath("/perfil")
	b.until("the load's renewal", `() => document.documentElement.dataset.session === "renewed"`)

	hold := holdAuthRefresh(t, e, func(r *http.Request) bool { return r.Header.Get("X-Test-Hold") != "" })
	wrote := make(chan error, 1)
	go func() {
		_, err := b.Eval(`async () => {
			const s = await import(document.querySelector("script[type=module]").src.replace("main.js", "session.js"));
			const x = new XMLHttpRequest();
			x.open("POST", "/api/collections/users/auth-refresh", false);
			x.setRequestHeader("Authorization", s.store.token);
			x.setRequestHeader("X-Test-Hold", "1");
			x.send();
			s.store.save(s.store.token, { ...s.store.record, name: "Nombre nuevo" });
		}`)
		wrote <- err
	}()
	hold.waitHeld("the second tab never sent its held request")
	a.clickText("Salir")
	a.waitPath("/ingreso")
	noStoredSession(t, a, "the logout left the session stored")
	hold.release()
	if err := <-wrote; err != nil {
		t.Fatalf("the second tab's save: %v", err)
	}
	b.waitPath("/ingreso")
	for _, tb := range []*tab{a, b} {
		noStoredSession(t, tb, "the session is stored again after both tabs left")
	}
	b.checkClean()
}

// heldRefresh is a renewal the server holds (holdAuthRefresh).
type heldRefresh struct {
	t       *testing.T
	held    chan struct{}
	release func()
}

// holdAuthRefresh makes the server hold the first users auth-refresh that
// match accepts until release (at the latest when the test ends), so a
// test can order another tab's actions around it.
func holdAuthRefresh(t *testing.T, e *env, match func(*http.Request) bool) heldRefresh {
	h := heldRefresh{t: t, held: make(chan struct{})}
	release := make(chan struct{})
	var heldOnce, releaseOnce sync.Once
	h.release = func() { releaseOnce.Do(func() { close(release) }) }
	t.Cleanup(h.release)
	e.app.OnRecordAuthRefreshRequest("users").BindFunc(func(ev *core.RecordAuthRefreshRequestEvent) error {
		if match(ev.Request) {
			heldOnce.Do(func() { close(h.held) })
			<-release
		}
		return ev.Next()
	})
	return h
}

// waitHeld waits until the server holds the renewal, failing with why.
func (h heldRefresh) waitHeld(why string) {
	h.t.Helper()
	select {
	case <-h.held:
	case <-time.After(30 * time.Second):
		h.t.Fatal(why)
	}
}

// noStoredSession fails with what when tb's storage holds a session.
func noStoredSession(t *testing.T, tb *tab, what string) {
	t.Helper()
	if got := mustEval(t, tb, `() => localStorage.getItem("padron_auth")`); !got.Nil() {
		t.Fatalf("%s: %s", what, got.String())
	}
}

// signedInContext is a fresh browser context whose first tab has signed in
// MemberA with "Recordarme": every tab opened in it shares that session.
func signedInContext(t *testing.T, e *env) (*rod.Browser, *tab) {
	t.Helper()
	ctx, err := browser(t).Incognito()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ctx.Close() })
	a := openIn(t, ctx, e.srv.URL, "", 390)
	a.login(e.cast.MemberA.Cedula, apptest.Password, true)
	return ctx, a
}
