package routes_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/padron/padron/apptest"
	"github.com/padron/padron/census"
)

// TestWorkerStatusShowsTheQueueByKind reads /api/census/worker: the
// records by status, and the waiting checks by why they were queued.
func TestWorkerStatusShowsTheQueueByKind(t *testing.T) {
	t.Parallel()
	c := apptest.Seeded(t)
	factory := func(t testing.TB) *tests.TestApp { return setup(t, nil) }
	queued := func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
		// MemberA answered, then refreshed by LeaderA; Loner answered, then
		// due for revalidation; the other three still wait for a first check.
		for _, q := range []struct {
			user string
			req  census.Request
		}{
			{c.MemberA.ID, census.Request{Kind: census.KindRefresh, By: c.LeaderA.ID}},
			{c.Loner.ID, census.Request{Kind: census.KindRevalidate}},
		} {
			info, err := app.FindFirstRecordByData("cedula_info", "user", q.user)
			if err != nil {
				t.Fatal(err)
			}
			info.Set("status", census.StatusActive)
			if err := app.Save(info); err != nil {
				t.Fatal(err)
			}
			if ok, err := census.Queue(app, info, time.Now(), q.req); !ok || err != nil {
				t.Fatalf("queue: %v %v", ok, err)
			}
		}
	}
	for _, s := range []tests.ApiScenario{
		{Name: "superuser", Method: http.MethodGet, URL: "/api/census/worker", Headers: auth(c.Superuser),
			BeforeTestFunc: queued, ExpectedStatus: 200,
			ExpectedContent: []string{`"waiting":{"first":3,"refresh":1,"revalidate":1}`, `"pending":5`}, TestAppFactory: factory},
		{Name: "a leader may not see it", Method: http.MethodGet, URL: "/api/census/worker", Headers: auth(c.LeaderA),
			ExpectedStatus: 403, ExpectedContent: []string{`"status":403`}, NotExpectedContent: []string{`"waiting"`}, TestAppFactory: factory},
	} {
		s.Test(t)
	}
}
