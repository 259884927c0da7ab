package webtest_test

import (
	"testing"

	"github.com/go-rod/rod/lib/proto"

	"github.com/padron/padron/apptest"
)

// pageBudget is the most a page's first load may transfer, compressed,
// everything it fetches included (README: ≤ 150 KB).
const pageBudget = 150 * 1024

// TestPageWeight loads every page cold (a fresh profile, empty cache) and
// checks what went over the wire; it logs the first paint and the time to
// the page's data being rendered, the README's render figures.
func TestPageWeight(t *testing.T) {
	e := newEnv(t)
	for _, p := range []struct {
		path string
		who  *apptest.Person
	}{
		{"/ingreso", nil}, {"/registro?ref=" + e.cast.LeaderA.ReferralCode, nil}, {"/reclamo?cedula=20000001", nil}, {"/politica-de-datos", nil},
		{"/inicio", &e.cast.MemberA}, {"/perfil", &e.cast.MemberA}, {"/referidos", &e.cast.LeaderA}, {"/red", &e.cast.LeaderA},
	} {
		tb := open(t, e.srv.URL, "", 390)
		if p.who != nil {
			// Sign in on a tab of its own; the measured tab starts cold
			// but for the stored session.
			tb.login(p.who.Cedula, apptest.Password, true)
			if err := tb.Close(); err != nil {
				t.Fatal(err)
			}
			tb = openIn(t, tb.Browser(), e.srv.URL, "", 390)
			if err := (proto.NetworkClearBrowserCache{}).Call(tb.Page); err != nil {
				t.Fatal(err)
			}
			// The service worker the login tab installed keeps the shell and
			// assets in Cache Storage: a first load starts without them.
			if err := (proto.StorageClearDataForOrigin{Origin: e.srv.URL, StorageTypes: "cache_storage,service_workers"}).Call(tb.Page); err != nil {
				t.Fatal(err)
			}
		}
		tb.mu.Lock()
		tb.total = 0
		tb.mu.Unlock()
		tb.nav(p.path)
		tb.until("network idle", `() => performance.getEntriesByType("resource").every((r) => r.responseEnd > 0)`)
		timing := mustEval(t, tb, `() => {
			const paint = performance.getEntriesByType("paint").find((p) => p.name === "first-contentful-paint");
			const ready = performance.getEntriesByName("padron-ready")[0];
			return { fcp: paint ? paint.startTime : -1, ready: ready ? ready.startTime : -1,
				n: performance.getEntriesByType("resource").length }
		}`)
		tb.mu.Lock()
		total := tb.total
		tb.mu.Unlock()
		t.Logf("%-28s %6.1f KB over the wire, %2d requests, first paint %4.0f ms, rendered with data %4.0f ms",
			p.path, float64(total)/1024, timing.Get("n").Int()+1, timing.Get("fcp").Num(), timing.Get("ready").Num())
		if total > pageBudget {
			t.Errorf("%s: %d bytes transferred, budget %d", p.path, total, pageBudget)
		}
		if total < 10*1024 {
			t.Errorf("%s: only %d bytes counted: the measurement is broken", p.path, total)
		}
	}
}
