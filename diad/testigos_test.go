package diad_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"github.com/padron/padron/apptest"
)

const testigosURL = "/api/collections/testigos/records"

func testigoBody(user, by, mesa string) string {
	return fmt.Sprintf(`{"user":%q,"election":%q,"assigned_by":%q,"departamento":"ANTIOQUIA","municipio":"MEDELLIN","puesto":"IE  SAN JOSE ","mesa":%q}`,
		user, electionID, by, mesa)
}

func testigoStatus(t testing.TB, app *tests.TestApp, id string) string {
	t.Helper()
	r, err := app.FindRecordById("testigos", id)
	if err != nil {
		t.Fatal(err)
	}
	return r.GetString("status")
}

func TestTestigoAssignment(t *testing.T) {
	t.Parallel()
	c := apptest.Seeded(t)
	plain := func(t testing.TB) *tests.TestApp { app, _ := newApp(t, cot(6, 0)); return app }
	withA := func(t testing.TB) *tests.TestApp {
		app, _ := newApp(t, cot(6, 0))
		saveTestigo(t, app, "testigo00000001", c.MemberA.ID, c.LeaderA.ID, mesa3)
		return app
	}
	scenarios := []tests.ApiScenario{
		{
			Name: "a leader assigns their referido to a mesa", Method: http.MethodPost, URL: testigosURL,
			Body: strings.NewReader(testigoBody(c.MemberA.ID, c.LeaderA.ID, "3")), Headers: auth(c.LeaderA),
			ExpectedStatus: 200, ExpectedContent: []string{`"status":"live"`, `"puesto":"IE SAN JOSE"`},
			ExpectedEvents: map[string]int{"OnRecordCreateRequest": 1, "OnRecordAfterCreateSuccess": 1},
			TestAppFactory: plain,
		},
		{
			Name: "a leader cannot assign someone outside their people", Method: http.MethodPost, URL: testigosURL,
			Body: strings.NewReader(testigoBody(c.MemberB.ID, c.LeaderA.ID, "3")), Headers: auth(c.LeaderA),
			ExpectedStatus: 400, ExpectedContent: []string{`"status":400`, `"code":"testigo_not_allowed"`}, ExpectedEvents: map[string]int{"*": 0},
			TestAppFactory: plain,
		},
		{
			Name: "a member cannot assign testigos", Method: http.MethodPost, URL: testigosURL,
			Body: strings.NewReader(testigoBody(c.MemberA.ID, c.MemberA.ID, "3")), Headers: auth(c.MemberA),
			ExpectedStatus: 400, ExpectedContent: []string{`"status":400`, `"code":"testigo_not_allowed"`}, ExpectedEvents: map[string]int{"*": 0},
			TestAppFactory: plain,
		},
		{
			Name: "one testigo per mesa: another leader's is refused", Method: http.MethodPost, URL: testigosURL,
			Body: strings.NewReader(testigoBody(c.MemberB.ID, c.LeaderB.ID, "3")), Headers: auth(c.LeaderB),
			ExpectedStatus: 409, ExpectedContent: []string{`"code":"mesa_taken"`},
			ExpectedEvents: map[string]int{"OnRecordCreateRequest": 1}, TestAppFactory: withA,
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				if s := testigoStatus(t, app, "testigo00000001"); s != "live" {
					t.Errorf("first testigo %s, want live", s)
				}
			},
		},
		{
			Name: "moving one's testigo to another mesa replaces the assignment, which stays", Method: http.MethodPost, URL: testigosURL,
			Body: strings.NewReader(testigoBody(c.MemberA.ID, c.LeaderA.ID, "7")), Headers: auth(c.LeaderA),
			ExpectedStatus: 200, ExpectedContent: []string{`"status":"live"`, `"mesa":"7"`},
			ExpectedEvents: map[string]int{"OnRecordCreateRequest": 1, "OnRecordAfterCreateSuccess": 1, "OnRecordAfterUpdateSuccess": 1},
			TestAppFactory: withA,
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				if s := testigoStatus(t, app, "testigo00000001"); s != "replaced" {
					t.Errorf("first assignment %s, want replaced", s)
				}
			},
		},
		{
			Name: "the testigo and their leader see the assignment; another leader does not", Method: http.MethodGet, URL: testigosURL, Headers: auth(c.LeaderB),
			ExpectedStatus: 200, ExpectedContent: []string{`"totalItems":0`}, ExpectedEvents: map[string]int{"OnRecordsListRequest": 1},
			TestAppFactory: withA,
		},
		{
			Name: "nobody but superusers deletes an assignment", Method: http.MethodDelete, URL: testigosURL + "/testigo00000001", Headers: auth(c.LeaderA),
			ExpectedStatus: 403, ExpectedContent: []string{"Solo un administrador puede hacer esto."}, ExpectedEvents: map[string]int{"*": 0},
			TestAppFactory: withA,
		},
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}
