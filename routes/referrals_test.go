package routes_test

import (
	"net/http"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"github.com/padron/padron/apptest"
)

func TestReferralLookup(t *testing.T) {
	t.Parallel()
	c := apptest.Seeded(t)
	factory := func(t testing.TB) *tests.TestApp { return apptest.NewApp(t) }
	scenarios := []tests.ApiScenario{
		{
			Name: "known code shows the first name only", Method: http.MethodGet,
			URL:             "/api/referrals/" + c.LeaderA.ReferralCode,
			ExpectedStatus:  200,
			ExpectedContent: []string{`"first_name":"Lucía"`, `"code":"LEADAAAA"`},
			NotExpectedContent: []string{
				"Líder", c.LeaderA.Cedula, c.LeaderA.ID, "3001234567", "phone", "email",
			},
		},
		{
			Name: "unknown code", Method: http.MethodGet, URL: "/api/referrals/NOEXISTE",
			ExpectedStatus: 404, ExpectedContent: []string{"Este enlace de invitación no existe."},
		},
		{
			Name: "malformed code", Method: http.MethodGet, URL: "/api/referrals/x",
			ExpectedStatus: 404, ExpectedContent: []string{`"status":404`},
		},
	}
	for _, s := range scenarios {
		s.TestAppFactory = factory
		s.Test(t)
	}
}
