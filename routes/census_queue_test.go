package routes_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/padron/padron/apptest"
)

// TestQueueEstimate reads /api/census/queue: any signed-in person gets the
// queue's totals and the rate measured on the last window's successful
// attempts (an older one and a failure do not count), and nothing about
// whose checks they are.
func TestQueueEstimate(t *testing.T) {
	t.Parallel()
	c := apptest.Seeded(t)
	factory := func(t testing.TB) *tests.TestApp { return setup(t, nil) }
	attempts := func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
		col, err := app.FindCollectionByNameOrId("census_attempts")
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range []struct {
			ago time.Duration
			ok  bool
		}{{time.Minute, true}, {5 * time.Minute, true}, {14 * time.Minute, true}, {2 * time.Minute, false}, {time.Hour, true}} {
			r := core.NewRecord(col)
			r.Set("user", c.MemberA.ID)
			r.Set("attempt", 1)
			r.Set("outcome", "found")
			r.Set("success", a.ok)
			r.Set("started_at", t0.Add(-a.ago))
			if err := app.Save(r); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, s := range []tests.ApiScenario{
		{Name: "a member: 5 waiting at 3 answers in 15 minutes", Method: http.MethodGet, URL: "/api/census/queue", Headers: auth(c.MemberB),
			BeforeTestFunc: attempts, ExpectedStatus: 200,
			ExpectedContent:    []string{`"waiting":5`, `"processing":0`, `"per_minute":0.2`, `"eta_seconds":1500`, `"window_minutes":15`, `"cooldown_seconds":30`},
			NotExpectedContent: []string{c.MemberA.ID, `"user"`}, TestAppFactory: factory},
		{Name: "no recent answer: no estimate", Method: http.MethodGet, URL: "/api/census/queue", Headers: auth(c.LeaderA),
			ExpectedStatus: 200, ExpectedContent: []string{`"waiting":5`, `"per_minute":0`, `"eta_seconds":null`}, TestAppFactory: factory},
		{Name: "anonymous", Method: http.MethodGet, URL: "/api/census/queue",
			ExpectedStatus: 401, NotExpectedContent: []string{`"waiting"`}, TestAppFactory: factory},
	} {
		s.Test(t)
	}
}
