package routes_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/padron/padron/apptest"
)

// The referral rule lives only in the users and cedula_info collections'
// rules. These scenarios change a rule in the database, as a superuser
// editing it in the dashboard would, and expect the custom endpoints to
// follow at once: refreshes read the view rules, stats and export the list
// rules. A hand-written copy of the rule in the routes would fail them.

// rules are the list and view rules one scenario sets; "" is "public", so
// unset ones are nil pointers and are left as they are.
type rules struct {
	usersList, usersView, infoList, infoView *string
	superusersOnly                           bool // set every rule above to nil instead
}

// editRules saves the collections with the given rules through app.Save, the
// path the dashboard's collection update takes (validation included).
func editRules(r rules) func(testing.TB, *tests.TestApp, *core.ServeEvent) {
	return func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
		t.Helper()
		for _, c := range []struct {
			name       string
			list, view *string
		}{{"users", r.usersList, r.usersView}, {"cedula_info", r.infoList, r.infoView}} {
			col, err := app.FindCollectionByNameOrId(c.name)
			if err != nil {
				t.Fatal(err)
			}
			if c.list != nil {
				col.ListRule = c.list
			}
			if c.view != nil {
				col.ViewRule = c.view
			}
			if r.superusersOnly {
				col.ListRule, col.ViewRule = nil, nil
			}
			if err := app.Save(col); err != nil {
				t.Fatalf("save %s rules: %v", c.name, err)
			}
		}
	}
}

// steps runs scenario set-up steps in order.
func steps(fs ...func(testing.TB, *tests.TestApp, *core.ServeEvent)) func(testing.TB, *tests.TestApp, *core.ServeEvent) {
	return func(t testing.TB, app *tests.TestApp, se *core.ServeEvent) {
		for _, f := range fs {
			f(t, app, se)
		}
	}
}

func TestRoutesFollowTheCollectionRules(t *testing.T) {
	t.Parallel()
	c := apptest.Seeded(t)
	q := &wakes{}
	var (
		// ownOnly narrows a users rule to the caller: leaders lose their referidos.
		ownOnly = types.Pointer(`id = @request.auth.id`)
		// ownInfoOnly does the same for cedula_info.
		ownInfoOnly = types.Pointer(`user = @request.auth.id`)
		// leadersSeeAll widens a users rule: a leader sees every user.
		leadersSeeAll     = types.Pointer(`id = @request.auth.id || @request.auth.role = "leader"`)
		leadersSeeAllInfo = types.Pointer(`user = @request.auth.id || @request.auth.role = "leader"`)
		// byQuery shows leaders everyone when the request asks with ?alcance=todos.
		byQuery = types.Pointer(`@request.auth.role = "leader" && @request.query.alcance = "todos"`)
		// membersSeeTheirLeader widens the shipped rules by a member's referrer.
		membersSeeTheirLeader     = types.Pointer(`id = @request.auth.id || id = @request.auth.referred_by || (@request.auth.role = "leader" && referred_by = @request.auth.id)`)
		membersSeeTheirLeaderInfo = types.Pointer(`user = @request.auth.id || user = @request.auth.referred_by || (@request.auth.role = "leader" && user.referred_by = @request.auth.id)`)
		// repeating shows a leader's referidos through a join that repeats
		// each of them once per referido of the caller.
		repeating = types.Pointer(`@collection.users.referred_by ?= @request.auth.id && referred_by = @request.auth.id`)
	)
	notYours := []string{`"code":"not_your_referral"`, `"status":404`}
	answered := func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
		for _, id := range []string{c.MemberA.ID, c.MemberB.ID, c.LeaderA.ID, c.LeaderB.ID, c.Loner.ID} {
			setInfo(t, app, id, "active", old)
		}
	}
	refresh := func(name string, who apptest.Person, target string, r rules, status int, content ...string) tests.ApiScenario {
		return tests.ApiScenario{Name: name, Method: http.MethodPost, URL: "/api/census/refresh/" + target,
			Headers: auth(who), ExpectedStatus: status, ExpectedContent: content,
			BeforeTestFunc: steps(answered, editRules(r))}
	}
	get := func(name, url string, who apptest.Person, r rules, content []string, not ...string) tests.ApiScenario {
		return tests.ApiScenario{Name: name, Method: http.MethodGet, URL: url, Headers: auth(who),
			ExpectedStatus: 200, ExpectedContent: content, NotExpectedContent: not,
			BeforeTestFunc: steps(network(c), editRules(r))}
	}
	// after sets a scenario's after function, keeping its set-up.
	after := func(s tests.ApiScenario, a func(testing.TB, *tests.TestApp, *http.Response)) tests.ApiScenario {
		s.AfterTestFunc = a
		return s
	}
	const stats, export = "/api/referidos/stats", "/api/referidos/export.csv"

	scenarios := []tests.ApiScenario{
		// Refresh follows the view rules of both collections.
		after(refresh("users view rule narrowed: a leader's referral becomes not theirs", c.LeaderA, c.MemberA.ID,
			rules{usersView: ownOnly}, 404, notYours...), expectStatus(q, c.MemberA.ID, "active", 0)),
		after(refresh("cedula_info view rule narrowed: the same", c.LeaderA, c.MemberA.ID,
			rules{infoView: ownInfoOnly}, 404, notYours...), expectStatus(q, c.MemberA.ID, "active", 0)),
		refresh("list rules narrowed: refresh reads the view rules, not these", c.LeaderA, c.MemberA.ID,
			rules{usersList: ownOnly, infoList: ownInfoOnly}, 202, `"status":"pending"`),
		after(refresh("view rules widened: a leader refreshes another leader's referral", c.LeaderA, c.MemberB.ID,
			rules{usersView: leadersSeeAll, infoView: leadersSeeAllInfo}, 202, `"status":"pending"`),
			expectStatus(q, c.MemberB.ID, "pending", 1)),
		refresh("view rules widened for members: a member refreshes their own leader", c.MemberA, c.LeaderA.ID,
			rules{usersView: membersSeeTheirLeader, infoView: membersSeeTheirLeaderInfo}, 202, `"status":"pending"`),
		refresh("widened for members, but not to other leaders", c.MemberA, c.LeaderB.ID,
			rules{usersView: membersSeeTheirLeader, infoView: membersSeeTheirLeaderInfo}, 403, `"code":"not_allowed"`),
		refresh("superusers only: a leader loses their referral", c.LeaderA, c.MemberA.ID,
			rules{superusersOnly: true}, 404, notYours...),
		refresh("superusers only: a superuser still refreshes anyone", c.Superuser, c.MemberB.ID,
			rules{superusersOnly: true}, 202, `"status":"pending"`),

		with(tests.ApiScenario{Name: "bulk: users view rule narrowed, the referral is skipped, the leader's own record is not",
			Method: http.MethodPost, URL: "/api/census/bulk-refresh", Headers: auth(c.LeaderA),
			Body:           bulkBody(true, c.MemberA.ID, c.LeaderA.ID),
			ExpectedStatus: 200, ExpectedContent: []string{`"queued":1`,
				`{"id":"` + c.MemberA.ID + `","outcome":"not_your_referral"}`, `{"id":"` + c.LeaderA.ID + `","outcome":"queued"}`}},
			steps(answered, editRules(rules{usersView: ownOnly})),
			expectStatuses(q, 1, map[string]string{c.MemberA.ID: "active", c.LeaderA.ID: "pending"})),
		with(tests.ApiScenario{Name: "bulk: view rules widened, another leader's referral and a loner are queued",
			Method: http.MethodPost, URL: "/api/census/bulk-refresh", Headers: auth(c.LeaderA),
			Body:           bulkBody(true, c.MemberB.ID, c.Loner.ID),
			ExpectedStatus: 200, ExpectedContent: []string{`"queued":2`}},
			steps(answered, editRules(rules{usersView: leadersSeeAll, infoView: leadersSeeAllInfo})),
			expectStatuses(q, 1, map[string]string{c.MemberB.ID: "pending", c.Loner.ID: "pending"})),

		// Stats and export follow the list rules of both collections.
		get("stats: users list rule narrowed, no referidos", stats, c.LeaderA, rules{usersList: ownOnly},
			[]string{`"total":0`, `"goal":{"goal":10,"referred":0,"percent":0}`}, "ANTIOQUIA"),
		get("stats: cedula_info list rule narrowed, no referidos", stats, c.LeaderA, rules{infoList: ownInfoOnly},
			[]string{`"total":0`}, "ANTIOQUIA"),
		get("stats: view rules narrowed, stats read the list rules, not these", stats, c.LeaderA,
			rules{usersView: ownOnly, infoView: ownInfoOnly}, []string{`"total":3`}),
		get("stats: list rules widened, every user but the leader", stats, c.LeaderA,
			rules{usersList: leadersSeeAll, infoList: leadersSeeAllInfo},
			[]string{`"total":6`, `"BOGOTA D.C."`, `"ANTIOQUIA"`}, `"leaders"`),
		get("stats: a rule whose join repeats rows still counts each person once", stats, c.LeaderA,
			rules{usersList: repeating}, []string{`"total":3`, `"goal":{"goal":10,"referred":3,"percent":30}`}),
		get("stats: superusers only, a leader sees nobody", stats, c.LeaderA, rules{superusersOnly: true},
			[]string{`"total":0`}),
		get("stats: superusers only, a superuser still sees everyone", stats, c.Superuser, rules{superusersOnly: true},
			[]string{`"total":7`}),
		get("export: users list rule narrowed, the header only", export, c.LeaderA, rules{usersList: ownOnly},
			[]string{"nombre,cédula"}, "Ana Referida", "Marta Gómez"),
		get("export: cedula_info list rule narrowed, the header only", export, c.LeaderA, rules{infoList: ownInfoOnly},
			[]string{"nombre,cédula"}, "Ana Referida", "Marta Gómez"),
		get("export: list rules widened, every user but the leader", export, c.LeaderA,
			rules{usersList: leadersSeeAll, infoList: leadersSeeAllInfo},
			[]string{"Ana Referida", "Beto Referido", "Bruno Líder", "Carla Sola", "Marta Gómez"}, "Lucía Líder"),
		get("stats: rules read the request's query string", stats+"?alcance=todos", c.LeaderA,
			rules{usersList: byQuery, infoList: byQuery}, []string{`"total":6`}),
		get("stats: the same rules without it", stats, c.LeaderA, rules{usersList: byQuery, infoList: byQuery}, []string{`"total":0`}),
		after(get("export: a rule whose join repeats rows still lists each person once", export, c.LeaderA,
			rules{usersList: repeating}, []string{"Ana Referida"}),
			func(t testing.TB, _ *tests.TestApp, res *http.Response) {
				body, err := io.ReadAll(res.Body)
				if err != nil {
					t.Fatal(err)
				}
				if n := strings.Count(string(body), "\r\n"); n != 1+3 {
					t.Errorf("export has %d lines, want the header and 3 referidos:\n%s", n, body)
				}
			}),
	}
	for _, s := range scenarios {
		s.TestAppFactory = func(t testing.TB) *tests.TestApp { return setup(t, q) }
		s.Test(t)
	}
}

// TestReferidosQueriesUseTheReferredByIndex checks, on the plans SQLite
// makes for the queries the rules build, that stats and export for a leader
// read their subtree off the closure table's (ancestor, depth) index
// instead of scanning users, look every other table up by key, and that the
// shipped rules' joins (the auth record, the closure row pinned to the
// auth as ancestor) need no DISTINCT.
func TestReferidosQueriesUseTheReferredByIndex(t *testing.T) {
	t.Parallel()
	c := apptest.Seeded(t)
	for _, url := range []string{"/api/referidos/stats", "/api/referidos/export.csv"} {
		var queries []string
		s := tests.ApiScenario{Name: url, Method: http.MethodGet, URL: url, Headers: auth(c.LeaderA),
			ExpectedStatus: 200, ExpectedContent: []string{"ANTIOQUIA"}, BeforeTestFunc: network(c),
			TestAppFactory: appLoggingQueries("JOIN `cedula_info`", &queries),
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				if len(queries) != 1 {
					t.Fatalf("want one referidos query, got %d: %q", len(queries), queries)
				}
				got := apptest.QueryPlan(t, app, queries[0])
				if !strings.HasPrefix(got, "SEARCH users_network_via_descendant USING COVERING INDEX idx_network_down (ancestor=?)") ||
					strings.Contains(got, "SCAN") || strings.Contains(got, "DISTINCT") {
					t.Errorf("plan of %s:\n%s", queries[0], got)
				}
			},
		}
		s.Test(t)
	}
}
