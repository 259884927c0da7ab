package routes_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/padron/padron/apptest"
)

// LeaderA's extra referidos for the bulk scenarios, one per case.
const (
	refActive     = "refactive000001"
	refError      = "referror0000001"
	refPending    = "refpending00001"
	refProcessing = "refprocessing01"
	refCooldown   = "refcooldown0001"
	refCancelled  = "refcancelled001"
	ghostID       = "noexiste0000000"
)

func bulkNetwork(c apptest.Cast) func(testing.TB, *tests.TestApp, *core.ServeEvent) {
	return func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
		for i, r := range []struct{ id, status string }{
			{refActive, "active"}, {refError, "error"}, {refPending, "pending"},
			{refProcessing, "processing"}, {refCooldown, "not_found"}, {refCancelled, "cancelled_deceased"},
		} {
			addUser(t, app, r.id, "Referida Número", fmt.Sprintf("3000000%d", i+1), "member", c.LeaderA.ID)
			last := old
			if r.id == refCooldown {
				last = recent
			}
			setInfo(t, app, r.id, r.status, last)
		}
		setInfo(t, app, c.MemberA.ID, "timeout", old)
		setInfo(t, app, c.MemberB.ID, "error", old)
		setInfo(t, app, c.LeaderA.ID, "not_found", old)
	}
}

func bulkBody(all bool, ids ...string) *strings.Reader {
	b, _ := json.Marshal(map[string]any{"ids": ids, "all": all})
	return strings.NewReader(string(b))
}

// expectStatuses checks each user's final status and the worker's wake-ups.
func expectStatuses(q *wakes, wantWakes int32, want map[string]string) func(testing.TB, *tests.TestApp, *http.Response) {
	return func(t testing.TB, app *tests.TestApp, _ *http.Response) {
		for id, st := range want {
			if got := status(t, app, id); got != st {
				t.Errorf("status of %s = %q, want %q", id, got, st)
			}
		}
		if got := q.n.Load(); got != wantWakes {
			t.Errorf("worker woken %d times, want %d", got, wantWakes)
		}
		// Queued records are announced to realtime by the worker, off the
		// request path.
		if got := q.announced.Load(); (got > 0) != (wantWakes > 0) {
			t.Errorf("announced %d records with %d wake-ups", got, wantWakes)
		}
	}
}

func TestBulkRefresh(t *testing.T) {
	t.Parallel()
	c := apptest.Seeded(t)
	q := &wakes{}
	url := "/api/census/bulk-refresh"
	post := func(name string, who map[string]string, body *strings.Reader, status int, content ...string) tests.ApiScenario {
		s := tests.ApiScenario{Name: name, Method: http.MethodPost, URL: url, Headers: who,
			ExpectedStatus: status, ExpectedContent: content, BeforeTestFunc: bulkNetwork(c)}
		if body != nil {
			s.Body = body
		}
		return s
	}
	mixed := []string{refActive, refError, refPending, refProcessing, refCooldown, refCancelled,
		c.MemberB.ID, ghostID, c.LeaderA.ID, refError, c.MemberA.ID}
	unchanged := map[string]string{refActive: "active", refError: "error", refPending: "pending",
		refProcessing: "processing", refCooldown: "not_found", refCancelled: "cancelled_deceased",
		c.MemberA.ID: "timeout", c.MemberB.ID: "error", c.LeaderA.ID: "not_found"}
	tooMany := make([]string, 501)
	for i := range tooMany {
		tooMany[i] = fmt.Sprintf("id%013d", i)
	}

	scenarios := []tests.ApiScenario{
		post("anonymous", nil, bulkBody(false, refError), 401, `"code":"auth_required"`),
		with(post("member", auth(c.MemberA), bulkBody(false, c.MemberA.ID), 403, `"code":"leaders_only"`, "Solo los líderes"),
			bulkNetwork(c), expectStatuses(q, 0, unchanged)),
		with(post("leader, every case at once", auth(c.LeaderA), bulkBody(false, mixed...), 200,
			`"queued":3`, `"skipped":7`,
			`{"id":"`+refActive+`","outcome":"final","state":"active"}`,
			`{"id":"`+refError+`","outcome":"queued"}`,
			`{"id":"`+refPending+`","outcome":"in_flight","state":"pending"}`,
			`{"id":"`+refProcessing+`","outcome":"in_flight","state":"processing"}`,
			`{"id":"`+refCooldown+`","outcome":"cooldown","retry_after":20}`,
			`{"id":"`+refCancelled+`","outcome":"final","state":"cancelled_deceased"}`,
			`{"id":"`+c.MemberB.ID+`","outcome":"not_your_referral"}`,
			`{"id":"`+ghostID+`","outcome":"not_your_referral"}`,
			`{"id":"`+c.LeaderA.ID+`","outcome":"queued"}`,
			`{"id":"`+c.MemberA.ID+`","outcome":"queued"}]`,
		), bulkNetwork(c), expectStatuses(q, 1, map[string]string{
			refActive: "active", refError: "pending", refPending: "pending", refProcessing: "processing",
			refCooldown: "not_found", refCancelled: "cancelled_deceased", c.MemberB.ID: "error",
			c.LeaderA.ID: "pending", c.MemberA.ID: "pending",
		})),
		with(post("leader, all re-checks final answers too", auth(c.LeaderA), bulkBody(true, refActive, refCancelled, refPending), 200,
			`"queued":2`, `"skipped":1`, `{"id":"`+refActive+`","outcome":"queued"}`, `{"id":"`+refCancelled+`","outcome":"queued"}`,
		), bulkNetwork(c), expectStatuses(q, 1, map[string]string{refActive: "pending", refCancelled: "pending"})),
		with(post("another leader gets nothing of the first leader's", auth(c.LeaderB), bulkBody(true, mixed...), 200,
			`"queued":1`, `{"id":"`+c.MemberB.ID+`","outcome":"queued"}`, `{"id":"`+refError+`","outcome":"not_your_referral"}`,
			`{"id":"`+c.MemberA.ID+`","outcome":"not_your_referral"}`, `{"id":"`+c.LeaderA.ID+`","outcome":"not_your_referral"}`,
		), bulkNetwork(c), expectStatuses(q, 1, map[string]string{refError: "error", c.MemberA.ID: "timeout", c.MemberB.ID: "pending"})),
		with(post("superuser, anyone", auth(c.Superuser), bulkBody(false, c.MemberB.ID, refError, ghostID), 200,
			`"queued":2`, `{"id":"`+ghostID+`","outcome":"not_your_referral"}`,
		), bulkNetwork(c), expectStatuses(q, 1, map[string]string{refError: "pending", c.MemberB.ID: "pending"})),
		with(post("nothing to queue does not wake the worker", auth(c.LeaderA), bulkBody(false, refActive, refPending), 200, `"queued":0`),
			bulkNetwork(c), expectStatuses(q, 0, unchanged)),
		with(post("bad body: not JSON", auth(c.LeaderA), strings.NewReader(`ids=1,2`), 400, `"code":"invalid_body"`),
			bulkNetwork(c), expectStatuses(q, 0, unchanged)),
		with(post("bad body: unknown field", auth(c.LeaderA), strings.NewReader(`{"ids":["`+refError+`"],"todos":true}`), 400, `"code":"invalid_body"`),
			bulkNetwork(c), expectStatuses(q, 0, unchanged)),
		with(post("bad body: ids not strings", auth(c.LeaderA), strings.NewReader(`{"ids":[1,2]}`), 400, `"code":"invalid_body"`), bulkNetwork(c), nil),
		with(post("bad body: no ids", auth(c.LeaderA), strings.NewReader(`{"ids":[]}`), 400, `"code":"ids_required"`), bulkNetwork(c), nil),
		with(post("bad body: empty", auth(c.LeaderA), strings.NewReader(``), 400, `"code":"invalid_body"`), bulkNetwork(c), nil),
		with(post("too many ids", auth(c.LeaderA), bulkBody(false, append(tooMany, refError)...), 400, `"code":"too_many_ids"`, `"max":500`),
			bulkNetwork(c), expectStatuses(q, 0, unchanged)),
		with(post("body too large", auth(c.LeaderA), strings.NewReader(`{"ids":["`+strings.Repeat("x", 70<<10)+`"]}`), 413, `"status":413`),
			bulkNetwork(c), expectStatuses(q, 0, unchanged)),
	}
	for _, s := range scenarios {
		s.TestAppFactory = func(t testing.TB) *tests.TestApp { return setup(t, q) }
		s.Test(t)
	}
}
