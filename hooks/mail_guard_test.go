package hooks_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/padron/padron/apptest"
)

// TestMailFlowsOffWithoutSMTP asks for every email the users collection can
// send: refused in Spanish while no mail server is set, PocketBase's own
// answer once one is.
func TestMailFlowsOffWithoutSMTP(t *testing.T) {
	t.Parallel()
	c := apptest.Seeded(t)
	withSMTP := func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
		s := app.Settings()
		s.SMTP.Enabled, s.SMTP.Host, s.SMTP.Port = true, "127.0.0.1", 2525
		if err := app.Save(s); err != nil {
			t.Fatal(err)
		}
	}
	var scenarios []tests.ApiScenario
	for _, action := range []string{"request-password-reset", "request-verification", "request-email-change", "request-otp"} {
		for _, spelling := range []string{"users", "USERS"} {
			s := tests.ApiScenario{
				Name: action + " on " + spelling + " without SMTP", Method: http.MethodPost,
				URL: "/api/collections/" + spelling + "/" + action, Body: strings.NewReader(`{"email":"ana@example.com"}`),
				Headers:        map[string]string{"Authorization": c.MemberA.Token},
				ExpectedStatus: 403, ExpectedContent: []string{`"code":"mail_not_configured"`, "pídele a tu líder"},
				TestAppFactory: factory,
			}
			scenarios = append(scenarios, s)
		}
	}
	on := tests.ApiScenario{
		Name: "password reset with SMTP set", Method: http.MethodPost,
		URL: "/api/collections/users/request-password-reset", Body: strings.NewReader(`{"email":"nadie@example.com"}`),
		BeforeTestFunc: withSMTP, ExpectedStatus: 204, TestAppFactory: factory,
	}
	superusers := tests.ApiScenario{
		Name: "superusers' own reset is PocketBase's", Method: http.MethodPost,
		URL: "/api/collections/_superusers/request-password-reset", Body: strings.NewReader(`{"email":"nadie@example.com"}`),
		ExpectedStatus: 204, TestAppFactory: factory,
	}
	for _, s := range append(scenarios, on, superusers) {
		s.Test(t)
	}
}
