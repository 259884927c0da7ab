package apierrors_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"github.com/padron/padron/apptest"
)

// TestInvalidFilter: a list whose filter or sort PocketBase cannot use says
// so in Spanish with a stable code, instead of "something went wrong"; a
// good filter and a bad page number are not called a bad filter.
func TestInvalidFilter(t *testing.T) {
	t.Parallel()
	c := apptest.Seeded(t)
	list := "/api/collections/users/records?"
	bad := []string{`(((`, `name ~`, `nope = 1`, `name = "x" &&`}
	var scenarios []tests.ApiScenario
	for _, f := range bad {
		scenarios = append(scenarios, tests.ApiScenario{
			Name: "filter " + f, Method: http.MethodGet, URL: list + "filter=" + url.QueryEscape(f), Headers: auth(c.LeaderA),
			ExpectedStatus: 400, ExpectedContent: []string{`"code":"invalid_filter"`, `"message":"El filtro o el orden de la búsqueda no es válido."`},
		})
	}
	scenarios = append(scenarios,
		tests.ApiScenario{
			Name: "unknown sort field", Method: http.MethodGet, URL: list + "sort=-nope", Headers: auth(c.LeaderA),
			ExpectedStatus: 400, ExpectedContent: []string{`"code":"invalid_filter"`},
		},
		tests.ApiScenario{
			Name: "on the referidos view", Method: http.MethodGet, URL: "/api/collections/referidos/records?filter=" + url.QueryEscape("((("), Headers: auth(c.MemberA),
			ExpectedStatus: 400, ExpectedContent: []string{`"code":"invalid_filter"`},
		},
		tests.ApiScenario{
			Name: "a good filter", Method: http.MethodGet, URL: list + "filter=" + url.QueryEscape(`name != ""`), Headers: auth(c.LeaderA),
			ExpectedStatus: 200, ExpectedContent: []string{`"items"`},
		},
		tests.ApiScenario{
			Name: "a bad page with a good filter", Method: http.MethodGet, URL: list + "page=abc&filter=" + url.QueryEscape(`name != ""`), Headers: auth(c.LeaderA),
			ExpectedStatus: 400, NotExpectedContent: []string{`invalid_filter`}, ExpectedContent: []string{`"status":400`},
		},
	)
	for _, s := range scenarios {
		s.TestAppFactory = func(t testing.TB) *tests.TestApp { return apptest.NewApp(t) }
		s.Test(t)
	}
}
