package routes_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/padron/padron/apptest"
	"github.com/padron/padron/tree"
)

// The pyramid of the red scenarios, beside apptest's cast (LeaderA, ...):
//
//	coord (coordinator)                 coord2 (coordinator, another root)
//	├── lider1 (leader)                 └── ajeno1 (member)
//	│   ├── sublider (leader)
//	│   │   └── miembro1 (member)
//	│   │       └── nieto1 (member)
//	│   └── miembro2 (member)
//	└── lider2 (leader)
//	    └── miembro3 (member)
var pyramid = []struct{ id, name, cedula, role, parent string }{
	{"redcoord0000001", "Carmen Coordinadora", "40000001", "coordinator", ""},
	{"redlider1000001", "Luis Líder", "40000002", "leader", "redcoord0000001"},
	{"redsublider0001", "Sara Sublíder", "40000003", "leader", "redlider1000001"},
	{"redmiembro10001", "Mario Miembro", "40000004", "member", "redsublider0001"},
	{"rednieto1000001", "Nora Nieta", "40000005", "member", "redmiembro10001"},
	{"redmiembro20001", "Marta Miembro", "40000006", "member", "redlider1000001"},
	{"redlider2000001", "Lina Líder", "40000007", "leader", "redcoord0000001"},
	{"redmiembro30001", "Mateo Miembro", "40000008", "member", "redlider2000001"},
	{"redcoord2000001", "Ciro Coordinador", "40000009", "coordinator", ""},
	{"redajeno1000001", "Alba Ajena", "40000010", "member", "redcoord2000001"},
}

// tokenKey is fixed per person so a token minted once is valid in every
// app cloned from the template (same signing secret).
func tokenKey(id string) string { return "redtokenkey-" + id + "-000000000000" }

// seedPyramid adds the pyramid with census answers: everyone active in
// MEDELLIN except miembro3 (BELLO, not found).
func seedPyramid(t testing.TB, app core.App) {
	t.Helper()
	col, err := app.FindCollectionByNameOrId("users")
	if err != nil {
		t.Fatal(err)
	}
	hash := passwordHash(t, app)
	for _, p := range pyramid {
		r := core.NewRecord(col)
		r.Id = p.id
		r.Set("name", p.name)
		r.Set("cedula", p.cedula)
		r.Set("phone", "3101234567")
		r.Set("role", p.role)
		r.Set("referred_by", p.parent)
		r.Set("referral_goal", 2)
		r.Set("tokenKey", tokenKey(p.id))
		r.SetRaw("password", &core.PasswordFieldValue{Hash: hash})
		if err := app.Save(r); err != nil {
			t.Fatalf("add %s: %v", p.name, err)
		}
		if p.id == "redmiembro30001" {
			setInfo(t, app, p.id, "not_found", old, "", "", "")
		} else {
			setInfo(t, app, p.id, "active", old, "ANTIOQUIA", "MEDELLIN", "IE "+p.cedula)
		}
	}
}

var (
	pyramidTokensOnce sync.Once
	pyramidTokens     map[string]string
)

// as is the Authorization header of a pyramid person.
func as(t testing.TB, id string) map[string]string {
	t.Helper()
	pyramidTokensOnce.Do(func() {
		app := setup(t, nil)
		defer app.Cleanup()
		seedPyramid(t, app)
		pyramidTokens = map[string]string{}
		for _, p := range pyramid {
			r, err := app.FindRecordById("users", p.id)
			if err != nil {
				t.Fatal(err)
			}
			tok, err := r.NewAuthToken()
			if err != nil {
				t.Fatal(err)
			}
			pyramidTokens[p.id] = tok
		}
	})
	return map[string]string{"Authorization": pyramidTokens[id]}
}

func withPyramid(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) { seedPyramid(t, app) }

// treeIntact fails the scenario when the closure table left the tree.
func treeIntact(t testing.TB, app *tests.TestApp, _ *http.Response) {
	t.Helper()
	if err := tree.Verify(app); err != nil {
		t.Error(err)
	}
}

// parentIs checks a person's referrer after a scenario.
func parentIs(id, want string) func(testing.TB, *tests.TestApp, *http.Response) {
	return func(t testing.TB, app *tests.TestApp, res *http.Response) {
		t.Helper()
		treeIntact(t, app, res)
		r, err := app.FindRecordById("users", id)
		if err != nil {
			t.Fatal(err)
		}
		if got := r.GetString("referred_by"); got != want {
			t.Errorf("%s referred_by = %q, want %q", id, got, want)
		}
	}
}

func TestRedReadBoundaries(t *testing.T) {
	t.Parallel()
	c := apptest.Seeded(t)
	const (
		coord, lider1, sub, m1, nieto, m2, lider2, m3, coord2, ajeno = "redcoord0000001", "redlider1000001",
			"redsublider0001", "redmiembro10001", "rednieto1000001", "redmiembro20001", "redlider2000001",
			"redmiembro30001", "redcoord2000001", "redajeno1000001"
	)
	get := func(name, url string, who map[string]string, status int, content []string, not ...string) tests.ApiScenario {
		return tests.ApiScenario{Name: name, Method: http.MethodGet, URL: url, Headers: who,
			ExpectedStatus: status, ExpectedContent: content, NotExpectedContent: not, BeforeTestFunc: withPyramid}
	}
	denied := []string{`"code":"not_in_your_network"`}
	scenarios := []tests.ApiScenario{
		get("anonymous", "/api/red/nodes/"+coord, nil, 401, []string{`"code":"auth_required"`}),
		get("coordinator's own node: totals at every depth", "/api/red/nodes/me", as(t, coord), 200, []string{
			`"id":"` + coord + `"`, `"direct_count":2`, `"subtree_count":7`, `"levels":[2,3,1,1]`,
			`"census":{"habilitados":6,"novedad":1,"pendientes":0,"problemas":0}`, `"role":"coordinator"`}),
		get("leader sees a node three levels below", "/api/red/nodes/"+nieto, as(t, lider1), 200, []string{
			`"id":"` + nieto + `"`, `"referred_by_name":"Mario Miembro"`}),
		get("member: own node, counts only", "/api/red/nodes/me", as(t, m1), 200, []string{
			`"subtree_count":1`, `"census":null`, `"referred_by_name":"Sara Sublíder"`}),
		get("member: not even their referido's node", "/api/red/nodes/"+nieto, as(t, m1), 403, denied),
		get("above oneself", "/api/red/nodes/"+coord, as(t, lider1), 403, denied, "Carmen"),
		get("one's own referrer", "/api/red/nodes/"+lider1, as(t, sub), 403, denied),
		get("sibling branch", "/api/red/nodes/"+m3, as(t, lider1), 403, denied, "Mateo"),
		get("sibling branch's leader", "/api/red/nodes/"+lider2, as(t, lider1), 403, denied),
		get("another coordinator's tree", "/api/red/nodes/"+ajeno, as(t, coord), 403, denied),
		get("seeded leader outside", "/api/red/nodes/"+c.LeaderA.ID, as(t, coord), 403, denied),
		get("superuser anywhere", "/api/red/nodes/"+nieto, map[string]string{"Authorization": c.Superuser.Token}, 200, []string{`"id":"` + nieto + `"`}),
		get("children with totals", "/api/red/nodes/"+coord+"/children", as(t, coord), 200, []string{
			`"totalItems":2`, `"id":"` + lider1 + `"`, `"subtree_count":4`, `"levels":[2,1,1]`,
			`"id":"` + lider2 + `"`, `"census":{"habilitados":0,"novedad":1,"pendientes":0,"problemas":0}`}),
		get("children: members may not", "/api/red/nodes/me/children", as(t, m1), 403, []string{`"code":"leaders_only"`}),
		get("children of a sibling branch", "/api/red/nodes/"+lider2+"/children", as(t, lider1), 403, denied, "Mateo"),
		get("children paginated", "/api/red/nodes/"+coord+"/children?perPage=1&page=2", as(t, coord), 200, []string{
			`"page":2`, `"perPage":1`, `"totalItems":2`, `"id":"` + lider2 + `"`}, `"id":"`+lider1+`"`),
		get("subtree page: a leader's people at any depth, not themself, not siblings", "/api/red/nodes/me/subtree", as(t, lider1), 200,
			[]string{`"totalItems":4`, `"perPage":50`, `"id":"` + nieto + `"`, `"cedula":"40000005"`, `"id":"` + sub + `"`, `"id":"` + m2 + `"`},
			`"id":"`+lider1+`"`, `"id":"`+m3+`"`, `"id":"`+coord+`"`, "Mateo"),
		get("subtree page: anonymous", "/api/red/nodes/me/subtree", nil, 401, []string{`"code":"auth_required"`}),
		get("subtree page: members may not", "/api/red/nodes/me/subtree", as(t, m1), 403, []string{`"code":"leaders_only"`}, "Nora"),
		get("subtree page of a sibling branch", "/api/red/nodes/"+lider2+"/subtree", as(t, lider1), 403, denied, "Mateo"),
		get("subtree page above oneself", "/api/red/nodes/"+coord+"/subtree", as(t, lider1), 403, denied, "Lina"),
		get("subtree page of another coordinator's tree", "/api/red/nodes/"+coord2+"/subtree", as(t, coord), 403, denied, "Alba"),
		get("subtree page paginated, with the referrer expanded", "/api/red/nodes/"+lider1+"/subtree?perPage=1&page=4&expand=referred_by", as(t, coord), 200,
			[]string{`"page":4`, `"perPage":1`, `"totalItems":4`, `"expand":{"referred_by":`}),
		get("subtree page: superuser anywhere", "/api/red/nodes/"+coord2+"/subtree", map[string]string{"Authorization": c.Superuser.Token}, 200,
			[]string{`"totalItems":1`, `"id":"` + ajeno + `"`}),
		{Name: "subtree page: a demoted leader loses it at once", Method: http.MethodGet, URL: "/api/red/nodes/me/subtree", Headers: as(t, lider1),
			ExpectedStatus: 403, ExpectedContent: []string{`"code":"leaders_only"`}, NotExpectedContent: []string{"Nora"},
			BeforeTestFunc: func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
				seedPyramid(t, app)
				r, err := app.FindRecordById("users", lider1)
				if err != nil {
					t.Fatal(err)
				}
				r.Set("role", "member")
				if err := app.Save(r); err != nil {
					t.Fatal(err)
				}
			}},
		get("subtree stats at any depth", "/api/red/nodes/"+lider1+"/stats", as(t, lider1), 200, []string{
			`"total":4`, `"active":4`, `"goal":{"goal":0,"referred":4,"percent":100}`}, "BELLO"),
		get("today's stats endpoint covers the subtree", "/api/referidos/stats", as(t, coord), 200, []string{`"total":7`}),
		get("ranking by size", "/api/red/nodes/"+coord+"/ranking?by=size", as(t, coord), 200, []string{
			`"totalItems":3`, `"items":[{"id":"` + lider1 + `"`, `"value":4`}),
		get("ranking by able", "/api/red/nodes/"+coord+"/ranking?by=able", as(t, coord), 200, []string{`"totalItems":3`}),
		get("ranking entries carry the path from the caller", "/api/red/nodes/"+lider1+"/ranking?by=size", as(t, coord), 200, []string{
			`"totalItems":1`, `"id":"` + sub + `"`, `"path":["` + coord + `","` + lider1 + `","` + sub + `"]`}),
		get("a leader's ranking paths start at the leader", "/api/red/nodes/me/ranking", as(t, lider1), 200, []string{
			`"path":["` + lider1 + `","` + sub + `"]`}, coord),
		get("ranking: bad order", "/api/red/nodes/"+coord+"/ranking?by=x", as(t, coord), 400, []string{`"code":"invalid_ranking"`}),
		get("search by name inside the subtree", "/api/red/search?q=nora", as(t, lider1), 200, []string{
			`"id":"` + nieto + `"`, `"path":["` + lider1 + `","` + sub + `","` + m1 + `","` + nieto + `"]`}),
		get("search by cédula prefix", "/api/red/search?q=4000000", as(t, lider1), 200, []string{`"id":"` + m2 + `"`}, `"`+m3+`"`, coord, "Ciro"),
		get("search by name without its accent", "/api/red/search?q=SUBLIDER", as(t, lider1), 200, []string{`"name":"Sara Sublíder"`}),
		get("search never finds siblings", "/api/red/search?q=Mateo", as(t, lider1), 200, []string{`"items":[]`}),
		get("search: too short", "/api/red/search?q=a", as(t, lider1), 400, []string{`"code":"invalid_search"`}),
		get("search for a new referrer leaves out the moved branch and its referrer", "/api/red/search?q=4000000&exclude="+sub, as(t, coord), 200,
			[]string{`"id":"` + coord + `"`, `"id":"` + m2 + `"`, `"id":"` + lider2 + `"`, `"id":"` + m3 + `"`},
			`"id":"`+sub+`"`, `"id":"`+m1+`"`, `"id":"`+nieto+`"`, `"id":"`+lider1+`"`),
		get("search excluding a root leaves out only their tree", "/api/red/search?q=4000000&exclude="+coord, map[string]string{"Authorization": c.Superuser.Token}, 200,
			[]string{`"id":"` + coord2 + `"`}, `"id":"`+coord+`"`, `"id":"`+lider1+`"`, `"id":"`+nieto+`"`, `"id":"`+m3+`"`),
		get("search excluding someone outside the caller's network", "/api/red/search?q=4000000&exclude="+ajeno, as(t, coord), 403, denied, "Alba"),
		get("search excluding one's own referrer", "/api/red/search?q=4000000&exclude="+lider1, as(t, sub), 403, denied),
		get("search excluding an unknown id", "/api/red/search?q=4000000&exclude=nadie0000000001", as(t, coord), 403, denied),
		get("export with the chain of referrers", "/api/red/nodes/"+lider1+"/export.csv", as(t, coord), 200, []string{
			"cadena de referidores", "Nora Nieta,40000005", "Luis Líder > Sara Sublíder > Mario Miembro"}, "Mateo", "Carmen Coordinadora,"),
		get("export of a sibling branch", "/api/red/nodes/"+lider2+"/export.csv", as(t, lider1), 403, denied),
		get("network collection: a member sees their own subtree's rows only", "/api/collections/network/records?perPage=100", as(t, m1), 200,
			[]string{`"totalItems":2`, `"descendant":"` + "rednieto1000001" + `"`}, `"ancestor":"`+sub+`"`),
		get("users REST: a leader lists the subtree at any depth", "/api/collections/users/records?perPage=100", as(t, lider1), 200,
			[]string{`"totalItems":5`, `"cedula":"40000005"`}, "40000008", "40000001"),
		get("cedula_info REST via expand: sibling branch invisible", "/api/collections/cedula_info/records?perPage=100&expand=user", as(t, lider2), 200,
			[]string{`"totalItems":2`}, "40000005", "IE 40000004"),
	}
	for _, s := range scenarios {
		s.TestAppFactory = func(t testing.TB) *tests.TestApp { return setup(t, nil) }
		s.Test(t)
	}
}

func TestRedManagementBoundaries(t *testing.T) {
	t.Parallel()
	c := apptest.Seeded(t)
	const (
		coord, lider1, sub, m1, nieto, m2, lider2, m3, coord2, ajeno = "redcoord0000001", "redlider1000001",
			"redsublider0001", "redmiembro10001", "rednieto1000001", "redmiembro20001", "redlider2000001",
			"redmiembro30001", "redcoord2000001", "redajeno1000001"
	)
	post := func(name, url, body string, who map[string]string, status int, content []string, after func(testing.TB, *tests.TestApp, *http.Response)) tests.ApiScenario {
		return tests.ApiScenario{Name: name, Method: http.MethodPost, URL: url, Body: strings.NewReader(body), Headers: who,
			ExpectedStatus: status, ExpectedContent: content, BeforeTestFunc: withPyramid, AfterTestFunc: after}
	}
	su := map[string]string{"Authorization": c.Superuser.Token}
	scenarios := []tests.ApiScenario{
		post("coordinator moves a branch inside their subtree", "/api/red/nodes/"+sub+"/move", `{"parent":"`+lider2+`"}`, as(t, coord), 200,
			[]string{`"moved":3`}, parentIs(sub, lider2)),
		post("cycle: under one's own descendant", "/api/red/nodes/"+lider1+"/move", `{"parent":"`+nieto+`"}`, as(t, coord), 400,
			[]string{`"code":"move_cycle"`, "ciclo"}, parentIs(lider1, coord)),
		post("cycle: superuser too", "/api/red/nodes/"+lider1+"/move", `{"parent":"`+lider1+`"}`, su, 400,
			[]string{`"code":"move_cycle"`}, parentIs(lider1, coord)),
		post("move out of the coordinator's subtree", "/api/red/nodes/"+sub+"/move", `{"parent":"`+ajeno+`"}`, as(t, coord), 403,
			[]string{`"code":"move_outside_network"`}, parentIs(sub, lider1)),
		post("move to no parent: superusers only", "/api/red/nodes/"+sub+"/move", `{"parent":""}`, as(t, coord), 403,
			[]string{`"code":"move_outside_network"`}, parentIs(sub, lider1)),
		post("coordinator outside their subtree", "/api/red/nodes/"+ajeno+"/move", `{"parent":"`+coord+`"}`, as(t, coord), 403,
			[]string{`"code":"not_in_your_network"`}, parentIs(ajeno, coord2)),
		post("coordinator cannot move themself", "/api/red/nodes/"+coord+"/move", `{"parent":"`+lider1+`"}`, as(t, coord), 403,
			[]string{`"code":"not_below_you"`}, parentIs(coord, "")),
		post("leaders do not move", "/api/red/nodes/"+m1+"/move", `{"parent":"`+lider1+`"}`, as(t, lider1), 403,
			[]string{`"code":"coordinators_only"`}, parentIs(m1, sub)),
		post("superuser moves across trees", "/api/red/nodes/"+lider2+"/move", `{"parent":"`+ajeno+`"}`, su, 200,
			[]string{`"moved":2`}, parentIs(lider2, ajeno)),
		post("unknown parent", "/api/red/nodes/"+sub+"/move", `{"parent":"nadie0000000000"}`, as(t, coord), 400,
			[]string{`"code":"parent_not_found"`}, parentIs(sub, lider1)),
		post("strict body", "/api/red/nodes/"+sub+"/move", `{"Parent":"`+lider2+`"}`, as(t, coord), 400,
			[]string{`"code":"invalid_body"`}, parentIs(sub, lider1)),
		post("coordinator promotes a member below", "/api/red/nodes/"+m2+"/role", `{"role":"leader"}`, as(t, coord), 200,
			[]string{`"role":"leader"`, `"id":"` + m2 + `"`}, nil),
		post("coordinator may not make coordinators", "/api/red/nodes/"+lider1+"/role", `{"role":"coordinator"}`, as(t, coord), 403,
			[]string{`"code":"superusers_only"`}, nil),
		post("superuser makes a coordinator", "/api/red/nodes/"+lider1+"/role", `{"role":"coordinator"}`, su, 200,
			[]string{`"role":"coordinator"`}, nil),
		post("role outside the subtree", "/api/red/nodes/"+ajeno+"/role", `{"role":"leader"}`, as(t, coord), 403,
			[]string{`"code":"not_in_your_network"`}, nil),
		post("leaders do not promote", "/api/red/nodes/"+m1+"/role", `{"role":"leader"}`, as(t, lider1), 403,
			[]string{`"code":"coordinators_only"`}, nil),
		post("bad role", "/api/red/nodes/"+m1+"/role", `{"role":"admin"}`, as(t, coord), 400,
			[]string{`"code":"invalid_role"`}, nil),
		post("coordinator sets goals below", "/api/red/nodes/"+lider1+"/goals", `{"referral_goal":5,"subtree_goal":40}`, as(t, coord), 200,
			[]string{`"referral_goal":5`, `"subtree_goal":40`}, nil),
		post("goals out of range", "/api/red/nodes/"+lider1+"/goals", `{"subtree_goal":-1}`, as(t, coord), 400,
			[]string{`"code":"invalid_goal"`}, nil),
		post("goals of a sibling branch by a leader", "/api/red/nodes/"+m3+"/goals", `{"subtree_goal":4}`, as(t, lider1), 403,
			[]string{`"code":"not_in_your_network"`}, nil),
		post("goals above oneself", "/api/red/nodes/"+coord+"/goals", `{"subtree_goal":4}`, as(t, lider1), 403,
			[]string{`"code":"not_in_your_network"`}, nil),
	}
	_ = m3
	for _, s := range scenarios {
		s.TestAppFactory = func(t testing.TB) *tests.TestApp { return setup(t, nil) }
		s.Test(t)
	}
}

// TestRedDemotedLeaderLosesAccessAtOnce: the rules read the role from the
// database on every request; a token minted while a leader buys nothing.
func TestRedDemotedLeaderLosesAccessAtOnce(t *testing.T) {
	t.Parallel()
	const lider1, nieto, coord = "redlider1000001", "rednieto1000001", "redcoord0000001"
	demote := func(t testing.TB, app *tests.TestApp, se *core.ServeEvent) {
		withPyramid(t, app, se)
		r, err := app.FindRecordById("users", lider1)
		if err != nil {
			t.Fatal(err)
		}
		r.Set("role", "member")
		if err := app.Save(r); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range []tests.ApiScenario{
		{Name: "node below", Method: http.MethodGet, URL: "/api/red/nodes/" + nieto, ExpectedStatus: 403, ExpectedContent: []string{`"code":"not_in_your_network"`}},
		{Name: "census record below", Method: http.MethodGet, URL: "/api/collections/cedula_info/records?perPage=50", ExpectedStatus: 200,
			ExpectedContent: []string{`"totalItems":1`}, NotExpectedContent: []string{"IE 40000005"}},
		{Name: "stats", Method: http.MethodGet, URL: "/api/referidos/stats", ExpectedStatus: 403, ExpectedContent: []string{`"code":"leaders_only"`}},
		{Name: "own node still counts the subtree", Method: http.MethodGet, URL: "/api/red/nodes/me", ExpectedStatus: 200,
			ExpectedContent: []string{`"subtree_count":4`, `"census":null`}},
	} {
		s.Headers = as(t, lider1)
		s.BeforeTestFunc = demote
		s.TestAppFactory = func(t testing.TB) *tests.TestApp { return setup(t, nil) }
		s.Test(t)
	}
	_ = coord
}

// TestRedEndpointsFollowRulesInTheDB: an admin narrowing the users rule in
// the dashboard narrows the red endpoints at once.
func TestRedEndpointsFollowRulesInTheDB(t *testing.T) {
	t.Parallel()
	const lider1, nieto, m2 = "redlider1000001", "rednieto1000001", "redmiembro20001"
	// Leaders see only their direct referidos, as before issue 16.
	direct := types.Pointer(`id = @request.auth.id || (@request.auth.role = "leader" && referred_by = @request.auth.id)`)
	directInfo := types.Pointer(`user = @request.auth.id || (@request.auth.role = "leader" && user.referred_by = @request.auth.id)`)
	before := steps(withPyramid, editRules(rules{usersList: direct, usersView: direct, infoList: directInfo, infoView: directInfo}))
	for _, s := range []tests.ApiScenario{
		{Name: "a node two levels below is refused", Method: http.MethodGet, URL: "/api/red/nodes/" + nieto, ExpectedStatus: 403,
			ExpectedContent: []string{`"code":"not_in_your_network"`}},
		{Name: "a direct referido still shows", Method: http.MethodGet, URL: "/api/red/nodes/" + m2, ExpectedStatus: 200,
			ExpectedContent: []string{`"id":"` + m2 + `"`}},
		{Name: "search narrows", Method: http.MethodGet, URL: "/api/red/search?q=Nora", ExpectedStatus: 200, ExpectedContent: []string{`"items":[]`}},
		{Name: "stats narrow", Method: http.MethodGet, URL: "/api/red/nodes/" + lider1 + "/stats", ExpectedStatus: 200, ExpectedContent: []string{`"total":2`}},
	} {
		s.Headers = as(t, lider1)
		s.BeforeTestFunc = before
		s.TestAppFactory = func(t testing.TB) *tests.TestApp { return setup(t, nil) }
		s.Test(t)
	}
}

// decodeJSON reads a response body into v.
func decodeJSON(t testing.TB, r io.Reader, v any) {
	t.Helper()
	if err := json.NewDecoder(r).Decode(v); err != nil {
		t.Fatal(err)
	}
}

// TestRedLeaderEndpointsOverTheSubtree: today's refresh and bulk refresh
// reach the whole subtree at any depth for leaders and coordinators, never
// a sibling branch.
func TestRedLeaderEndpointsOverTheSubtree(t *testing.T) {
	t.Parallel()
	const coord, sub, nieto, m3 = "redcoord0000001", "redsublider0001", "rednieto1000001", "redmiembro30001"
	q := &wakes{}
	post := func(name, url, body string, who map[string]string, status int, content ...string) tests.ApiScenario {
		return tests.ApiScenario{Name: name, Method: http.MethodPost, URL: url, Body: strings.NewReader(body), Headers: who,
			ExpectedStatus: status, ExpectedContent: content, BeforeTestFunc: withPyramid,
			TestAppFactory: func(t testing.TB) *tests.TestApp { return setup(t, q) }}
	}
	for _, s := range []tests.ApiScenario{
		post("coordinator refreshes four levels below", "/api/census/refresh/"+nieto, "", as(t, coord), 202, `"status":"pending"`),
		post("sub-leader refreshes two levels below", "/api/census/refresh/"+nieto, "", as(t, sub), 202, `"status":"pending"`),
		post("sub-leader: not a sibling branch", "/api/census/refresh/"+m3, "", as(t, sub), 404, `"code":"not_your_referral"`),
		post("bulk over the subtree", "/api/census/bulk-refresh", `{"ids":["`+nieto+`","`+m3+`"]}`, as(t, sub), 200,
			`{"id":"`+nieto+`","outcome":"final"`, `{"id":"`+m3+`","outcome":"not_your_referral"}`),
	} {
		s.Test(t)
	}
}
