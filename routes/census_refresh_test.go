package routes_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/padron/padron/apptest"
)

var (
	old    = t0.Add(-2 * time.Hour)    // a check long out of cooldown
	recent = t0.Add(-10 * time.Second) // a check 10 s ago: 20 s of cooldown left
)

// before sets the given users' records (status, last check) before a scenario.
func before(sets ...func(testing.TB, core.App)) func(testing.TB, *tests.TestApp, *core.ServeEvent) {
	return func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
		for _, s := range sets {
			s(t, app)
		}
	}
}

func info(userID, st string, last time.Time) func(testing.TB, core.App) {
	return func(t testing.TB, app core.App) { setInfo(t, app, userID, st, last) }
}

func retryAfter(want string) func(testing.TB, *tests.TestApp, *http.Response) {
	return func(t testing.TB, _ *tests.TestApp, res *http.Response) {
		if got := res.Header.Get("Retry-After"); got != want {
			t.Errorf("Retry-After = %q, want %q", got, want)
		}
	}
}

func TestCensusRefreshOwn(t *testing.T) {
	t.Parallel()
	c := apptest.Seeded(t)
	q := &wakes{}
	url := "/api/census/refresh"
	post := func(name string, who map[string]string, status int, content ...string) tests.ApiScenario {
		return tests.ApiScenario{Name: name, Method: http.MethodPost, URL: url, Headers: who,
			ExpectedStatus: status, ExpectedContent: content}
	}
	scenarios := []tests.ApiScenario{
		post("anonymous", nil, 401, `"code":"auth_required"`, "Inicia sesión"),
		with(post("member own, answered long ago", auth(c.MemberA), 202,
			`"status":"pending"`, `"user":"`+c.MemberA.ID+`"`, `"requested_at":"`+t0.Format("2006-01-02 15:04:05")),
			before(info(c.MemberA.ID, "active", old)), expectStatus(q, c.MemberA.ID, "pending", 1)),
		with(post("leader own", auth(c.LeaderA), 202, `"status":"pending"`),
			before(info(c.LeaderA.ID, "error", old)), expectStatus(q, c.LeaderA.ID, "pending", 1)),
		post("superuser has no record of their own", auth(c.Superuser), 404, `"code":"no_record"`),
		with(post("member own, in flight (pending)", auth(c.MemberA), 409, `"code":"in_flight"`, `"state":"pending"`, "consulta en curso"),
			before(info(c.MemberA.ID, "pending", old)), expectStatus(q, c.MemberA.ID, "pending", 0)),
		with(post("member own, in flight (processing)", auth(c.MemberA), 409, `"code":"in_flight"`, `"state":"processing"`),
			before(info(c.MemberA.ID, "processing", old)), expectStatus(q, c.MemberA.ID, "processing", 0)),
		with(post("member own, cooldown", auth(c.MemberA), 429, `"code":"cooldown"`, `"retry_after":20`, "en 20 segundos", `"status":429`),
			before(info(c.MemberA.ID, "not_found", recent)), both(retryAfter("20"), expectStatus(q, c.MemberA.ID, "not_found", 0))),
		with(post("member own, cooldown of one second", auth(c.MemberA), 429, `"retry_after":1`, "en 1 segundo."),
			before(info(c.MemberA.ID, "active", t0.Add(-29*time.Second))), retryAfter("1")),
		with(post("member own, cooldown counts a failed check (updated)", auth(c.MemberA), 429, `"code":"cooldown"`),
			func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
				setInfo(t, app, c.MemberA.ID, "error", old)
				// The worker's last save (a final failure) was 5 s ago.
				_, err := app.DB().NewQuery("UPDATE cedula_info SET updated = {:u} WHERE user = {:id}").
					Bind(map[string]any{"u": t0.Add(-5 * time.Second).Format("2006-01-02 15:04:05.000Z"), "id": c.MemberA.ID}).Execute()
				if err != nil {
					t.Fatal(err)
				}
			}, retryAfter("25")),
		with(tests.ApiScenario{Name: "member own, body too large", Method: http.MethodPost, URL: url, Headers: auth(c.MemberA),
			Body: strings.NewReader(strings.Repeat("x", 4096)), ExpectedStatus: 413, ExpectedContent: []string{`"status":413`}},
			before(info(c.MemberA.ID, "active", old)), expectStatus(q, c.MemberA.ID, "active", 0)),
	}
	for _, s := range scenarios {
		s.TestAppFactory = func(t testing.TB) *tests.TestApp { return setup(t, q) }
		s.Test(t)
	}
}

func TestCensusRefreshUser(t *testing.T) {
	t.Parallel()
	c := apptest.Seeded(t)
	q := &wakes{}
	post := func(name string, who map[string]string, target string, status int, content ...string) tests.ApiScenario {
		return tests.ApiScenario{Name: name, Method: http.MethodPost, URL: "/api/census/refresh/" + target, Headers: who,
			ExpectedStatus: status, ExpectedContent: content}
	}
	const ghost = "noexiste0000000"
	notYours := []string{`"code":"not_your_referral"`, `"status":404`, "No encontramos esa persona entre tus referidos."}
	answered := before(info(c.MemberA.ID, "active", old), info(c.MemberB.ID, "active", old), info(c.LeaderA.ID, "active", old))
	scenarios := []tests.ApiScenario{
		post("anonymous", nil, c.MemberA.ID, 401, `"code":"auth_required"`),
		with(post("member, own id", auth(c.MemberA), c.MemberA.ID, 202, `"status":"pending"`),
			answered, expectStatus(q, c.MemberA.ID, "pending", 1)),
		with(post("member, someone else's record", auth(c.MemberA), c.MemberB.ID, 403, `"code":"not_allowed"`, "tu propia consulta"),
			answered, expectStatus(q, c.MemberB.ID, "active", 0)),
		with(post("member, their own leader", auth(c.MemberA), c.LeaderA.ID, 403, `"code":"not_allowed"`),
			answered, expectStatus(q, c.LeaderA.ID, "active", 0)),
		post("member, a user that does not exist looks the same", auth(c.MemberA), ghost, 403, `"code":"not_allowed"`),
		with(post("leader, a referral", auth(c.LeaderA), c.MemberA.ID, 202, `"status":"pending"`),
			answered, expectStatus(q, c.MemberA.ID, "pending", 1)),
		with(post("leader, own id", auth(c.LeaderA), c.LeaderA.ID, 202, `"status":"pending"`),
			answered, expectStatus(q, c.LeaderA.ID, "pending", 1)),
		with(post("leader, another leader's referral", auth(c.LeaderA), c.MemberB.ID, 404, notYours...),
			answered, expectStatus(q, c.MemberB.ID, "active", 0)),
		with(post("another leader, the first leader's referral", auth(c.LeaderB), c.MemberA.ID, 404, notYours...),
			answered, expectStatus(q, c.MemberA.ID, "active", 0)),
		with(post("leader, the other leader themself", auth(c.LeaderA), c.LeaderB.ID, 404, notYours...), answered, nil),
		post("leader, a user that does not exist looks the same", auth(c.LeaderA), ghost, 404, notYours...),
		with(post("leader, referral in flight", auth(c.LeaderA), c.MemberA.ID, 409, `"code":"in_flight"`, `"state":"processing"`),
			before(info(c.MemberA.ID, "processing", old)), expectStatus(q, c.MemberA.ID, "processing", 0)),
		with(post("leader, referral in cooldown", auth(c.LeaderA), c.MemberA.ID, 429, `"code":"cooldown"`, `"retry_after":20`),
			before(info(c.MemberA.ID, "active", recent)), both(retryAfter("20"), expectStatus(q, c.MemberA.ID, "active", 0))),
		with(tests.ApiScenario{Name: "leader, body too large", Method: http.MethodPost, URL: "/api/census/refresh/" + c.MemberA.ID,
			Headers: auth(c.LeaderA), Body: strings.NewReader(strings.Repeat("x", 4096)),
			ExpectedStatus: 413, ExpectedContent: []string{`"status":413`}},
			answered, expectStatus(q, c.MemberA.ID, "active", 0)),
		with(post("superuser, anyone", auth(c.Superuser), c.MemberB.ID, 202, `"status":"pending"`),
			answered, expectStatus(q, c.MemberB.ID, "pending", 1)),
		post("superuser, a user that does not exist", auth(c.Superuser), ghost, 404, `"code":"not_your_referral"`),
	}
	for _, s := range scenarios {
		s.TestAppFactory = func(t testing.TB) *tests.TestApp { return setup(t, q) }
		s.Test(t)
	}
}

// with sets a scenario's before and after functions (either may be nil).
func with(s tests.ApiScenario, b func(testing.TB, *tests.TestApp, *core.ServeEvent), a func(testing.TB, *tests.TestApp, *http.Response)) tests.ApiScenario {
	s.BeforeTestFunc, s.AfterTestFunc = b, a
	return s
}

func both(fs ...func(testing.TB, *tests.TestApp, *http.Response)) func(testing.TB, *tests.TestApp, *http.Response) {
	return func(t testing.TB, app *tests.TestApp, res *http.Response) {
		for _, f := range fs {
			f(t, app, res)
		}
	}
}
