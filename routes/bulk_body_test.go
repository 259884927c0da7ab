package routes_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"github.com/padron/padron/apptest"
)

// The bulk body is read strictly: encoding/json alone matches "IDS" to
// "ids" and turns null into "" or false, so each of these queued something
// or nothing silently. Every one is a 400 invalid_body and queues nothing.
func TestBulkRefreshStrictBody(t *testing.T) {
	t.Parallel()
	c := apptest.Seeded(t)
	q := &wakes{}
	id := `"` + refError + `"`
	bodies := []struct{ name, body string }{
		{"null id", `{"ids":[null]}`},
		{"null among ids", `{"ids":[` + id + `,null]}`},
		{"IDS in capitals", `{"IDS":[` + id + `]}`},
		{"Ids", `{"Ids":[` + id + `]}`},
		{"ids twice, one in capitals", `{"ids":[` + id + `],"IDS":["` + c.MemberB.ID + `"]}`},
		{"ALL in capitals", `{"ids":[` + id + `],"ALL":true}`},
		{"ids null", `{"ids":null}`},
		{"ids a string", `{"ids":` + id + `}`},
		{"ids an object", `{"ids":{"0":` + id + `}}`},
		{"id an object", `{"ids":[{"$ne":""}]}`},
		{"id an array", `{"ids":[[` + id + `]]}`},
		{"id a boolean", `{"ids":[true]}`},
		{"all null", `{"ids":[` + id + `],"all":null}`},
		{"all a string", `{"ids":[` + id + `],"all":"true"}`},
		{"all a number", `{"ids":[` + id + `],"all":1}`},
		{"body null", `null`},
		{"body an array", `[` + id + `]`},
		{"trailing object", `{"ids":[` + id + `]}{"ids":[` + id + `]}`},
		{"trailing garbage", `{"ids":[` + id + `]} x`},
	}
	unchanged := map[string]string{refError: "error", c.MemberB.ID: "error"}
	var scenarios []tests.ApiScenario
	for _, b := range bodies {
		scenarios = append(scenarios, tests.ApiScenario{
			Name: b.name, Method: http.MethodPost, URL: "/api/census/bulk-refresh",
			Body: strings.NewReader(b.body), Headers: auth(c.Superuser),
			ExpectedStatus: 400, ExpectedContent: []string{`"code":"invalid_body"`},
			BeforeTestFunc: bulkNetwork(c), AfterTestFunc: expectStatuses(q, 0, unchanged),
		})
	}
	// The strict reader still takes what the API documents.
	scenarios = append(scenarios, tests.ApiScenario{
		Name: "documented body", Method: http.MethodPost, URL: "/api/census/bulk-refresh",
		Body: strings.NewReader(` {"all": false, "ids": [` + id + `]} ` + "\n"), Headers: auth(c.LeaderA),
		ExpectedStatus: 200, ExpectedContent: []string{`"queued":1`},
		BeforeTestFunc: bulkNetwork(c), AfterTestFunc: expectStatuses(q, 1, map[string]string{refError: "pending"}),
	})
	for _, s := range scenarios {
		s.TestAppFactory = func(t testing.TB) *tests.TestApp { return setup(t, q) }
		s.Test(t)
	}
}
