package hooks_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"github.com/padron/padron/apptest"
)

func TestLoginByCedula(t *testing.T) {
	t.Parallel()
	c := apptest.Seeded(t)
	url := "/api/collections/users/auth-with-password"
	login := func(identity, password string) *strings.Reader {
		return strings.NewReader(`{"identity":"` + identity + `","password":"` + password + `"}`)
	}
	scenarios := []tests.ApiScenario{
		{
			Name: "digits", Method: http.MethodPost, URL: url, Body: login("20000001", apptest.Password),
			ExpectedStatus: 200, ExpectedContent: []string{`"token":`, c.MemberA.ID},
		},
		{
			Name: "as people type it, with dots", Method: http.MethodPost, URL: url, Body: login("20.000.001", apptest.Password),
			ExpectedStatus: 200, ExpectedContent: []string{`"token":`, c.MemberA.ID},
		},
		{
			Name: "explicit identity field", Method: http.MethodPost, URL: url,
			Body:           strings.NewReader(`{"identity":"20 000 001","identityField":"cedula","password":"` + apptest.Password + `"}`),
			ExpectedStatus: 200, ExpectedContent: []string{c.MemberA.ID},
		},
		{
			Name: "wrong password", Method: http.MethodPost, URL: url, Body: login("20000001", "otra-cosa-123"),
			ExpectedStatus: 400, ExpectedContent: []string{`"status":400`}, NotExpectedContent: []string{`"token"`},
		},
		{
			Name: "unknown cédula", Method: http.MethodPost, URL: url, Body: login("99999999", apptest.Password),
			ExpectedStatus: 400, ExpectedContent: []string{`"status":400`}, NotExpectedContent: []string{`"token"`},
		},
	}
	for _, s := range scenarios {
		s.TestAppFactory = factory
		s.Test(t)
	}
}
