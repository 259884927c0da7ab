package routes_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/padron/padron/apptest"
)

// TestRedSubtreePagePlans checks the plans SQLite makes for a subtree page
// under the shipped rules: a big subtree's first page walks users newest
// first off the (created, id) index from the day the page begins (by the
// counters' days) and stops at the page's end (no sort, no DISTINCT); a
// page past what fewer users than the subtree hold walks the closure
// table's down index and sorts only the subtree.
func TestRedSubtreePagePlans(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		page  int
		first string // the plan's first step
		sorts bool
	}{
		{1, "SEARCH u USING COVERING INDEX idx_users_created_id (created>?)", false},
		{9, "SEARCH n USING COVERING INDEX idx_network_down (ancestor=? AND depth>?)", true},
	} {
		var queries []string
		s := tests.ApiScenario{
			Name: fmt.Sprint("page ", c.page), Method: http.MethodGet,
			URL:     fmt.Sprintf("/api/red/nodes/%s/subtree?perPage=7&page=%d", counterID(0), c.page),
			Headers: counterToken(t), ExpectedStatus: 200, ExpectedContent: []string{`"totalItems":59`, `"id":"ctr`},
			BeforeTestFunc: withCounterPyramid,
			TestAppFactory: appLoggingQueries("CROSS JOIN", &queries),
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				if len(queries) != 1 {
					t.Fatalf("want one page query, got %d: %q", len(queries), queries)
				}
				got := apptest.QueryPlan(t, app, queries[0])
				if !strings.HasPrefix(got, c.first) || strings.Contains(got, "DISTINCT") ||
					strings.Contains(got, "TEMP B-TREE") != c.sorts || strings.Count(got, "COVERING INDEX") != 1+btoi(!c.sorts) {
					t.Errorf("plan of %s:\n%s", queries[0], got)
				}
			},
		}
		s.Test(t)
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestRedSubtreeQuery: the subtree page answers the /referidos list's
// search, filters and sorts at any depth, within the same boundaries as
// the plain page (a leader their own subtree only, members refused, no
// sibling branch, nothing above), and under rules rewritten in the DB the
// rules still decide who and whose census appear.
func TestRedSubtreeQuery(t *testing.T) {
	t.Parallel()
	const (
		coord, lider1, sub, m1, nieto, m2, lider2, m3 = "redcoord0000001", "redlider1000001", "redsublider0001",
			"redmiembro10001", "rednieto1000001", "redmiembro20001", "redlider2000001", "redmiembro30001"
	)
	denied := []string{`"code":"not_in_your_network"`}
	// With statuses of every urgency under lider1: Mario's check failed,
	// Nora's cédula is cancelled, Marta's check is running again.
	varied := func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
		seedPyramid(t, app)
		for id, status := range map[string]string{m1: "error", nieto: "cancelled_deceased", m2: "processing"} {
			setInfo(t, app, id, status, old, "ANTIOQUIA", "MEDELLIN", "IE "+id)
		}
	}
	rewritten := func(rules map[string]string) func(testing.TB, *tests.TestApp, *core.ServeEvent) {
		return func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
			varied(t, app, e)
			for name, rule := range rules {
				c, err := app.FindCollectionByNameOrId(name)
				if err != nil {
					t.Fatal(err)
				}
				c.ListRule, c.ViewRule = types.Pointer(rule), types.Pointer(rule)
				if err := app.Save(c); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	get := subtreeGets(varied)
	scenarios := []tests.ApiScenario{
		get("search by name without accents or case", "/api/red/nodes/me/subtree?q=SUBLIDER", as(t, lider1), 200,
			[]string{`"totalItems":1`}, []string{sub}),
		get("search by digits of the cédula", "/api/red/nodes/me/subtree?q=000-05", as(t, lider1), 200,
			[]string{`"totalItems":1`}, []string{nieto}),
		get("search stays in the leader's subtree", "/api/red/nodes/me/subtree?q=mateo", as(t, lider1), 200,
			[]string{`"totalItems":0`, `"items":[]`}, []string{}, "Mateo"),
		get("search reaches any depth below a coordinator", "/api/red/nodes/me/subtree?q=mateo", as(t, coord), 200,
			[]string{`"totalItems":1`}, []string{m3}),
		get("a search's % is a letter, not a wildcard", "/api/red/nodes/me/subtree?q=%25", as(t, coord), 200,
			[]string{`"totalItems":0`}, []string{}),
		get("filter by status", "/api/red/nodes/me/subtree?status=not_found,cancelled_deceased&sort=name", as(t, coord), 200,
			[]string{`"totalItems":2`}, []string{m3, nieto}),
		get("filter: who can vote (a re-check keeps the last place)", "/api/red/nodes/me/subtree?able=true&sort=name", as(t, lider1), 200,
			[]string{`"totalItems":2`}, []string{m2, sub}),
		get("sort by name, paginated", "/api/red/nodes/me/subtree?sort=name&perPage=2&page=2", as(t, lider1), 200,
			[]string{`"totalItems":4`, `"page":2`}, []string{nieto, sub}),
		get("sort by name, descending", "/api/red/nodes/me/subtree?sort=-name", as(t, lider1), 200,
			[]string{`"totalItems":4`}, []string{sub, nieto, m2, m1}),
		get("sort by urgency: an answer to act on, a failure, a check running, the rest", "/api/red/nodes/me/subtree?sort=status", as(t, lider1), 200,
			[]string{`"totalItems":4`}, []string{nieto, m1, m2, sub}),
		get("sort by cédula with a filter", "/api/red/nodes/me/subtree?sort=-cedula&status=active", as(t, coord), 200,
			[]string{`"totalItems":3`}, []string{lider2, sub, lider1}),
		get("census records expanded under their rule", "/api/red/nodes/me/subtree?sort=name&perPage=1&expand=cedula_info_via_user,referred_by", as(t, lider1), 200,
			[]string{`"cedula_info_via_user":`, `"status":"error"`, `"referred_by":{`, `"name":"Sara Sublíder"`}, []string{m1}),
		get("members may not search", "/api/red/nodes/me/subtree?q=nora", as(t, m1), 403, []string{`"code":"leaders_only"`}, nil, "Nora"),
		get("anonymous", "/api/red/nodes/me/subtree?sort=name", nil, 401, []string{`"code":"auth_required"`}, nil),
		get("a sibling branch, searched", "/api/red/nodes/"+lider2+"/subtree?q=mateo", as(t, lider1), 403, denied, nil, "Mateo"),
		get("above oneself, sorted", "/api/red/nodes/"+coord+"/subtree?sort=name", as(t, lider1), 403, denied, nil, "Lina"),
		get("superuser anywhere, filtered", "/api/red/nodes/"+coord+"/subtree?status=not_found", map[string]string{"Authorization": apptest.Seeded(t).Superuser.Token}, 200,
			[]string{`"totalItems":1`}, []string{m3}),
		get("an unknown sort", "/api/red/nodes/me/subtree?sort=password", as(t, lider1), 400, []string{`"code":"invalid_query"`}, nil),
		get("an unknown status", "/api/red/nodes/me/subtree?status=active,nope", as(t, lider1), 400, []string{`"code":"invalid_query"`}, nil),
		get("able is true or false", "/api/red/nodes/me/subtree?able=yes", as(t, lider1), 400, []string{`"code":"invalid_query"`}, nil),
		{Name: "rules rewritten in the DB: a leader sees only direct referidos", Method: http.MethodGet,
			URL: "/api/red/nodes/me/subtree?sort=name", Headers: as(t, lider1), ExpectedStatus: 200,
			ExpectedContent: []string{`"totalItems":2`}, NotExpectedContent: []string{"Nora", "Mario"},
			BeforeTestFunc: rewritten(map[string]string{
				"users":       `id = @request.auth.id || referred_by = @request.auth.id`,
				"cedula_info": `user = @request.auth.id || user.referred_by = @request.auth.id`,
			}),
			AfterTestFunc: pageOrder([]string{m2, sub})},
		{Name: "rules rewritten in the DB: census hidden, no census expanded", Method: http.MethodGet,
			URL: "/api/red/nodes/me/subtree?perPage=50&expand=cedula_info_via_user", Headers: as(t, lider1), ExpectedStatus: 200,
			ExpectedContent: []string{`"totalItems":4`}, NotExpectedContent: []string{"cedula_info_via_user", `"status":"error"`},
			BeforeTestFunc: rewritten(map[string]string{"cedula_info": `user = @request.auth.id`})},
		{Name: "rules rewritten in the DB: a filter on census the leader may not read finds no one", Method: http.MethodGet,
			URL: "/api/red/nodes/me/subtree?status=error", Headers: as(t, lider1), ExpectedStatus: 200,
			ExpectedContent: []string{`"totalItems":0`}, NotExpectedContent: []string{"Mario"},
			BeforeTestFunc: rewritten(map[string]string{"cedula_info": `user = @request.auth.id`})},
	}
	for _, s := range scenarios {
		s.TestAppFactory = func(t testing.TB) *tests.TestApp { return setup(t, nil) }
		s.Test(t)
	}
}

// subtreeGets builds a subtree test's GET scenarios, each set up by
// before and, given an order, checking the page's ids in it.
func subtreeGets(before func(testing.TB, *tests.TestApp, *core.ServeEvent)) func(name, url string, who map[string]string, status int, content, order []string, not ...string) tests.ApiScenario {
	return func(name, url string, who map[string]string, status int, content, order []string, not ...string) tests.ApiScenario {
		s := tests.ApiScenario{Name: name, Method: http.MethodGet, URL: url, Headers: who,
			ExpectedStatus: status, ExpectedContent: content, NotExpectedContent: not, BeforeTestFunc: before}
		if order != nil {
			s.AfterTestFunc = pageOrder(order)
		}
		return s
	}
}

// pageOrder checks a subtree page's people, in order.
func pageOrder(want []string) func(testing.TB, *tests.TestApp, *http.Response) {
	return func(t testing.TB, _ *tests.TestApp, res *http.Response) {
		t.Helper()
		var page struct{ Items []struct{ ID string } }
		if err := json.NewDecoder(res.Body).Decode(&page); err != nil {
			t.Fatal(err)
		}
		got := []string{}
		for _, it := range page.Items {
			got = append(got, it.ID)
		}
		if !slices.Equal(got, want) {
			t.Errorf("page %v, want %v", got, want)
		}
	}
}

// TestRedSubtreeOffset: the subtree page from an offset (the rows the
// /referidos list holds) instead of a page number, so a person deleted
// while the list shows the first page does not make the next rows skip
// one; within the same boundaries as the page (members refused, no
// sibling branch), and under rules rewritten in the DB.
func TestRedSubtreeOffset(t *testing.T) {
	t.Parallel()
	const lider1, m1, lider2 = "redlider1000001", "redmiembro10001", "redlider2000001"
	// The list held the first two of lider1's four below, newest first;
	// the second is deleted live and the list drops it: it asks for the
	// next rows from the one it still holds.
	var next []string
	deleteSecond := func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
		seedPyramid(t, app)
		var order []string
		err := app.DB().NewQuery("SELECT u.id FROM network n JOIN users u ON u.id = n.descendant " +
			"WHERE n.ancestor = {:top} AND n.depth > 0 ORDER BY u.created DESC, u.id DESC").
			Bind(map[string]any{"top": lider1}).Column(&order)
		if err != nil || len(order) != 4 {
			t.Fatalf("lider1's subtree: %v %v", order, err)
		}
		gone, err := app.FindRecordById("users", order[1])
		if err != nil {
			t.Fatal(err)
		}
		if err := app.Delete(gone); err != nil {
			t.Fatal(err)
		}
		next = order[2:]
	}
	get := subtreeGets(withPyramid)
	scenarios := []tests.ApiScenario{
		{Name: "after a deletion, the rows after those held: none skipped", Method: http.MethodGet,
			URL: "/api/red/nodes/me/subtree?perPage=2&offset=1", Headers: as(t, lider1), ExpectedStatus: 200,
			ExpectedContent: []string{`"totalItems":3`, `"page":1`}, BeforeTestFunc: deleteSecond,
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) { pageOrder(next)(t, app, res) }},
		get("sorted by name, from an offset", "/api/red/nodes/me/subtree?sort=name&perPage=2&offset=1", as(t, lider1), 200,
			[]string{`"totalItems":4`, `"page":1`}, []string{"redmiembro20001", "rednieto1000001"}),
		get("offset wins over page", "/api/red/nodes/me/subtree?sort=name&perPage=2&page=5&offset=2", as(t, lider1), 200,
			[]string{`"totalItems":4`, `"page":2`}, []string{"rednieto1000001", "redsublider0001"}),
		get("an offset past the end", "/api/red/nodes/me/subtree?offset=4", as(t, lider1), 200,
			[]string{`"totalItems":4`, `"items":[]`}, []string{}),
		get("a search from an offset", "/api/red/nodes/me/subtree?q=miembro&sort=name&offset=1", as(t, lider1), 200,
			[]string{`"totalItems":2`}, []string{"redmiembro20001"}),
		get("members may not page by offset", "/api/red/nodes/me/subtree?offset=1", as(t, m1), 403,
			[]string{`"code":"leaders_only"`}, nil, "Nora"),
		get("a sibling branch by offset", "/api/red/nodes/"+lider2+"/subtree?offset=0", as(t, lider1), 403,
			[]string{`"code":"not_in_your_network"`}, nil, "Mateo"),
		get("a negative offset", "/api/red/nodes/me/subtree?offset=-1", as(t, lider1), 400, []string{`"code":"invalid_query"`}, nil),
		get("an offset that is not a number", "/api/red/nodes/me/subtree?offset=dos", as(t, lider1), 400, []string{`"code":"invalid_query"`}, nil),
		{Name: "rules rewritten in the DB: an offset over the direct referidos only", Method: http.MethodGet,
			URL: "/api/red/nodes/me/subtree?offset=1", Headers: as(t, lider1), ExpectedStatus: 200,
			ExpectedContent: []string{`"totalItems":2`}, NotExpectedContent: []string{"Nora", "Mario"},
			BeforeTestFunc: func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
				seedPyramid(t, app)
				c, err := app.FindCollectionByNameOrId("users")
				if err != nil {
					t.Fatal(err)
				}
				rule := `id = @request.auth.id || referred_by = @request.auth.id`
				c.ListRule, c.ViewRule = types.Pointer(rule), types.Pointer(rule)
				if err := app.Save(c); err != nil {
					t.Fatal(err)
				}
			},
			AfterTestFunc: func(t testing.TB, _ *tests.TestApp, res *http.Response) {
				var page struct{ Items []struct{ ID string } }
				if err := json.NewDecoder(res.Body).Decode(&page); err != nil {
					t.Fatal(err)
				}
				if len(page.Items) != 1 || (page.Items[0].ID != "redsublider0001" && page.Items[0].ID != "redmiembro20001") {
					t.Errorf("items %v, want one of lider1's two direct referidos", page.Items)
				}
			}},
	}
	for _, s := range scenarios {
		s.TestAppFactory = func(t testing.TB) *tests.TestApp { return setup(t, nil) }
		s.Test(t)
	}
}

// TestRedSubtreeNameOrder: the server sorts names as the list's
// Intl.Collator("es", {numeric: true}) does: Ñ is a letter after N
// (Núñez < Nuño < Ñañez < Ortiz), accents only break ties (Óscar between
// Natalia and Pablo), and digits compare as numbers (Juan 9 before Juan
// 10; the name pattern refuses digits today, but older or imported names
// may hold them).
func TestRedSubtreeNameOrder(t *testing.T) {
	t.Parallel()
	const lider2, m3 = "redlider2000001", "redmiembro30001"
	people := []struct{ id, name string }{ // in the order wanted
		{"ordjuan9000001a", "Juan 9"}, {"ordjuan1000001a", "Juan 10"}, {m3, ""}, {"ordnatalia0001a", "Natalia"},
		{"ordnunez000001a", "Núñez"}, {"ordnuno0000001a", "Nuño"}, {"ordnanez00001a0", "Ñañez"},
		{"ordortiz00001a0", "Ortiz"}, {"ordoscar00001a0", "Óscar"}, {"ordpablo00001a0", "Pablo"},
	}
	want := []string{}
	for _, p := range people {
		want = append(want, p.id)
	}
	wantDesc := slices.Clone(want)
	slices.Reverse(wantDesc)
	seed := func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
		seedPyramid(t, app)
		col, err := app.FindCollectionByNameOrId("users")
		if err != nil {
			t.Fatal(err)
		}
		hash := passwordHash(t, app)
		// Shuffled against the order wanted, in creation and id.
		for i, k := range []int{5, 0, 8, 3, 9, 1, 6, 4, 7} {
			p := people[k]
			if p.name == "" {
				continue
			}
			r := core.NewRecord(col)
			r.Id = p.id
			r.Set("name", p.name)
			r.Set("cedula", fmt.Sprint(41000000+i))
			r.Set("phone", "3101234567")
			r.Set("role", "member")
			r.Set("referred_by", lider2)
			r.SetRaw("password", &core.PasswordFieldValue{Hash: hash})
			save := app.Save
			if strings.ContainsAny(p.name, "0123456789") {
				save = app.SaveNoValidate
			}
			if err := save(r); err != nil {
				t.Fatalf("add %s: %v", p.name, err)
			}
		}
	}
	scenarios := []tests.ApiScenario{
		{Name: "by name", URL: "/api/red/nodes/me/subtree?sort=name", AfterTestFunc: pageOrder(want)},
		{Name: "by name, descending", URL: "/api/red/nodes/me/subtree?sort=-name", AfterTestFunc: pageOrder(wantDesc)},
		{Name: "by name, two pages in", URL: "/api/red/nodes/me/subtree?sort=name&perPage=3&page=2", AfterTestFunc: pageOrder(want[3:6])},
		// Mateo's "not found" needs the leader; the rest are pending checks, by name.
		{Name: "by urgency, then name", URL: "/api/red/nodes/me/subtree?sort=status",
			AfterTestFunc: pageOrder(append([]string{m3}, slices.Delete(slices.Clone(want), 2, 3)...))},
	}
	for _, s := range scenarios {
		s.Method, s.Headers, s.ExpectedStatus = http.MethodGet, as(t, lider2), 200
		s.ExpectedContent = []string{`"totalItems":10`}
		s.BeforeTestFunc = seed
		s.TestAppFactory = func(t testing.TB) *tests.TestApp { return setup(t, nil) }
		s.Test(t)
	}
}

// TestRedSubtreeSearchFoldedNames: a search reads the names folded and
// stored (schema.FoldedNamesTable): a new name is found at once and the
// old one no longer; a person whose folded row is missing is still found
// by their name.
func TestRedSubtreeSearchFoldedNames(t *testing.T) {
	t.Parallel()
	const lider1, nieto = "redlider1000001", "rednieto1000001"
	renamed := func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
		seedPyramid(t, app)
		r, err := app.FindRecordById("users", nieto)
		if err != nil {
			t.Fatal(err)
		}
		r.Set("name", "Ñusta Ámbar")
		if err := app.Save(r); err != nil {
			t.Fatal(err)
		}
	}
	unfolded := func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
		seedPyramid(t, app)
		if _, err := app.DB().NewQuery("DELETE FROM users_folded WHERE user = {:id}").Bind(map[string]any{"id": nieto}).Execute(); err != nil {
			t.Fatal(err)
		}
	}
	scenarios := []tests.ApiScenario{
		{Name: "a new name, found without accents", URL: "/api/red/nodes/me/subtree?q=nusta+AMBAR", BeforeTestFunc: renamed,
			ExpectedContent: []string{`"totalItems":1`}, AfterTestFunc: pageOrder([]string{nieto})},
		{Name: "the old name, no longer", URL: "/api/red/nodes/me/subtree?q=nora", BeforeTestFunc: renamed,
			ExpectedContent: []string{`"totalItems":0`}, AfterTestFunc: pageOrder([]string{})},
		{Name: "a name missing from the folded table", URL: "/api/red/nodes/me/subtree?q=NIETA&sort=name", BeforeTestFunc: unfolded,
			ExpectedContent: []string{`"totalItems":1`}, AfterTestFunc: pageOrder([]string{nieto})},
		{Name: "a name missing from the folded table, under rules rewritten in the DB", URL: "/api/red/nodes/me/subtree?q=NIETA",
			BeforeTestFunc: func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
				unfolded(t, app, e)
				c, err := app.FindCollectionByNameOrId("cedula_info")
				if err != nil {
					t.Fatal(err)
				}
				rule := `user.name != "nadie"` // not the shipped rule: the rules decide, row by row
				c.ListRule, c.ViewRule = types.Pointer(rule), types.Pointer(rule)
				if err := app.Save(c); err != nil {
					t.Fatal(err)
				}
			},
			ExpectedContent: []string{`"totalItems":1`}, AfterTestFunc: pageOrder([]string{nieto})},
	}
	for _, s := range scenarios {
		s.Method, s.Headers, s.ExpectedStatus = http.MethodGet, as(t, lider1), 200
		s.TestAppFactory = func(t testing.TB) *tests.TestApp { return setup(t, nil) }
		s.Test(t)
	}
}
