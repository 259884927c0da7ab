package routes_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/pocketbase/pocketbase/tests"
)

// The served document is valid JSON and documents every custom endpoint.
func TestOpenAPI(t *testing.T) {
	t.Parallel()
	s := tests.ApiScenario{
		Name: "served", Method: http.MethodGet, URL: "/api/padron/openapi.json",
		ExpectedStatus: 200, ExpectedContent: []string{`"openapi":"3.1.0"`},
		TestAppFactory: func(t testing.TB) *tests.TestApp { return setup(t, nil) },
		AfterTestFunc: func(t testing.TB, _ *tests.TestApp, res *http.Response) {
			var doc struct {
				Paths map[string]map[string]any `json:"paths"`
			}
			if err := json.NewDecoder(res.Body).Decode(&doc); err != nil {
				t.Fatalf("openapi.json: %v", err)
			}
			for path, method := range map[string]string{
				"/api/census/refresh": "post", "/api/census/refresh/{userId}": "post",
				"/api/census/bulk-refresh": "post", "/api/referidos/stats": "get",
				"/api/referidos/export.csv": "get", "/api/referrals/{code}": "get",
			} {
				if _, ok := doc.Paths[path][method]; !ok {
					t.Errorf("%s %s is not documented", method, path)
				}
			}
		},
	}
	s.Test(t)
}
