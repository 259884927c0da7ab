package routes_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/tests"
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
				got := queryPlan(t, app, queries[0])
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
