package hooks_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"github.com/padron/padron/apptest"
)

// TestListSortAndFilterOnlyOnReadableFields tries to order and filter
// lists by emails the caller cannot read, by every path to them.
func TestListSortAndFilterOnlyOnReadableFields(t *testing.T) {
	t.Parallel()
	c := apptest.Seeded(t)
	list := func(name, collection, token, param, value string, status int, content ...string) tests.ApiScenario {
		s := tests.ApiScenario{
			Name: name, Method: http.MethodGet,
			URL:            "/api/collections/" + collection + "/records?" + param + "=" + url.QueryEscape(value),
			ExpectedStatus: status, ExpectedContent: content,
			TestAppFactory: factory,
		}
		if token != "" {
			s.Headers = map[string]string{"Authorization": token}
		}
		if status == 400 {
			s.ExpectedContent = append(s.ExpectedContent, `"code":"hidden_field"`, "No puedes ordenar ni filtrar")
			s.NotExpectedContent = []string{`"items"`}
		}
		return s
	}
	scenarios := []tests.ApiScenario{
		list("leader sorts users by email", "users", c.LeaderA.Token, "sort", "-email", 400, `"param":"sort"`),
		list("leader sorts by email, lower-cased", "users", c.LeaderA.Token, "sort", "name,email:lower", 400),
		list("leader sorts by the referrer's email", "users", c.LeaderA.Token, "sort", "referred_by.email", 400),
		list("leader sorts census rows by the user's email", "cedula_info", c.LeaderA.Token, "sort", "-user.email", 400),
		list("leader filters on email", "users", c.LeaderA.Token, "filter", "email ~ 'a'", 400, `"param":"filter"`),
		list("leader filters on email inside a group", "users", c.LeaderA.Token, "filter", "(name != '' && (referred_by.email > 'm'))", 400),
		list("anonymous sorts by email", "users", "", "sort", "email", 400),
		list("leader sorts by name", "users", c.LeaderA.Token, "sort", "-name", 200, `"items"`),
		list("leader filters on the word email as text", "users", c.LeaderA.Token, "filter", "name != 'email'", 200, `"items"`),
		list("superuser sorts by email", "users", c.Superuser.Token, "sort", "-email", 200, `"items"`),
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}
