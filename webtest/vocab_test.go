package webtest_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/padron/padron/apptest"
	"github.com/padron/padron/census"
	"github.com/padron/padron/routes"
)

// TestAppSpeaksTheServersVocabulary loads the served app's modules in the
// browser and checks what they show against the server's own rules: each
// status's label, meaning and failure words and whether it is in flight
// (package census), every status in exactly one leaders' tab, words for
// every bulk refresh outcome, and the goal percentage against the stats
// endpoint's.
func TestAppSpeaksTheServersVocabulary(t *testing.T) {
	e := newEnv(t)
	tb := open(t, e.srv.URL, "", 1280)
	tb.login(e.cast.LeaderA.Cedula, apptest.Password, true)
	// mod imports an app module by the URL the app itself uses.
	const mod = `(name) => import(document.querySelector("script[type=module]").src.replace("main.js", name))`

	got := mustEval(t, tb, `async (statuses) => {
		const imp = `+mod+`;
		const c = await imp("census.js");
		const out = {};
		for (const s of [...statuses, ""]) {
			const info = c.statusInfo(s);
			out[s] = { label: info.label, text: info.text, words: c.errorWords({ status: s }), inFlight: c.inFlight(s),
				tabs: c.GROUPS.filter((g) => g.statuses && g.statuses.includes(s)).map((g) => g.id) };
		}
		return JSON.stringify(out);
	}`, census.Statuses).Str()
	var app map[string]struct {
		Label, Text, Words string
		InFlight           bool
		Tabs               []string
	}
	if err := json.Unmarshal([]byte(got), &app); err != nil {
		t.Fatal(err)
	}
	for _, s := range append(slices.Clone(census.Statuses), "") {
		a := app[s]
		if a.Label != census.Label(s) || a.Text != census.Meaning(s) || a.Words != census.FailureWords(s) || a.InFlight != census.IsInFlight(s) {
			t.Errorf("status %q: the app shows %+v; census says %q, %q, %q, in flight %v",
				s, a, census.Label(s), census.Meaning(s), census.FailureWords(s), census.IsInFlight(s))
		}
		if s != "" && len(a.Tabs) != 1 {
			t.Errorf("status %s is in the leaders' tabs %v, want exactly one", s, a.Tabs)
		}
	}

	for _, outcome := range []string{routes.OutcomeInFlight, routes.OutcomeCooldown, routes.OutcomeFinal, routes.OutcomeNotYourReferral} {
		for _, n := range []int{1, 2} {
			res := map[string]any{"queued": 0, "results": slices.Repeat([]map[string]string{{"outcome": outcome}}, n)}
			b, _ := json.Marshal(res)
			text := mustEval(t, tb, `async (res) => (await (`+mod+`)("leaders.js")).bulkSummary(JSON.parse(res))`, string(b)).Str()
			if strings.Contains(text, outcome) || !strings.Contains(text, "Omitidas") {
				t.Errorf("bulk outcome %s ×%d reads %q: no words for it", outcome, n, text)
			}
		}
	}

	// LeaderA has one referido: goals around it exercise the rounding.
	for _, goal := range []int{0, 1, 3, 6, 7, 10, 1000, 100000} {
		pair := mustEval(t, tb, `async (goal) => {
			const imp = `+mod+`;
			const { pb, me } = await imp("session.js");
			const { goalPercent } = await imp("referral.js");
			await pb.collection("users").update(me().id, { referral_goal: goal });
			const g = (await pb.send("/api/referidos/stats", {})).goal;
			return JSON.stringify({ goal: g.goal, server: g.percent, app: goalPercent(g.goal, g.referred) });
		}`, goal).Str()
		var p struct {
			Goal        int
			Server, App float64
		}
		if err := json.Unmarshal([]byte(pair), &p); err != nil {
			t.Fatal(err)
		}
		if p.Goal != goal || p.Server != p.App {
			t.Errorf("goal %d: the server says %v %%, the app %v %% (%s)", goal, p.Server, p.App, pair)
		}
	}
	tb.checkClean()
}
