package diad_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/tests"

	"github.com/padron/padron/apptest"
)

const marksURL = "/api/collections/vote_marks/records"

func markBody(id, user, by, method string, at time.Time) string {
	idPart := ""
	if id != "" {
		idPart = fmt.Sprintf(`"id":%q,`, id)
	}
	return fmt.Sprintf(`{%s"user":%q,"election":%q,"marked_by":%q,"method":%q,"marked_at":%q}`,
		idPart, user, electionID, by, method, at.UTC().Format("2006-01-02 15:04:05.000Z"))
}

func TestMarkRules(t *testing.T) {
	t.Parallel()
	c := apptest.Seeded(t)
	at := func(h, m int) func(testing.TB) *tests.TestApp {
		return func(t testing.TB) *tests.TestApp { app, _ := newApp(t, cot(h, m)); return app }
	}
	scenarios := []tests.ApiScenario{
		{
			Name: "a leader marks their referido during the hours", Method: http.MethodPost, URL: marksURL,
			Body: strings.NewReader(markBody("", c.MemberA.ID, c.LeaderA.ID, "leader", cot(10, 0))), Headers: auth(c.LeaderA),
			ExpectedStatus: 200, ExpectedContent: []string{`"status":"live"`, `"method":"leader"`},
			ExpectedEvents: map[string]int{"OnRecordCreateRequest": 1, "OnRecordAfterCreateSuccess": 1},
			TestAppFactory: at(10, 0),
		},
		{
			Name: "a leader cannot mark someone else's referido", Method: http.MethodPost, URL: marksURL,
			Body: strings.NewReader(markBody("", c.MemberB.ID, c.LeaderA.ID, "leader", cot(10, 0))), Headers: auth(c.LeaderA),
			ExpectedStatus: 400, ExpectedContent: []string{`"code":"mark_not_allowed"`, "No puedes marcar a esta persona"},
			NotExpectedContent: []string{`"status":"live"`, "Failed"},
			ExpectedEvents:     map[string]int{"*": 0}, TestAppFactory: at(10, 0),
		},
		{
			Name: "a leader cannot sign a mark as someone else", Method: http.MethodPost, URL: marksURL,
			Body: strings.NewReader(markBody("", c.MemberA.ID, c.LeaderB.ID, "leader", cot(10, 0))), Headers: auth(c.LeaderA),
			ExpectedStatus: 400, ExpectedContent: []string{`"status":400`, `"code":"mark_not_allowed"`}, ExpectedEvents: map[string]int{"*": 0}, TestAppFactory: at(10, 0),
		},
		{
			Name: "a member says Ya voté", Method: http.MethodPost, URL: marksURL,
			Body: strings.NewReader(markBody("", c.MemberA.ID, c.MemberA.ID, "self", cot(9, 0))), Headers: auth(c.MemberA),
			ExpectedStatus: 200, ExpectedContent: []string{`"status":"live"`, `"method":"self"`},
			ExpectedEvents: map[string]int{"OnRecordCreateRequest": 1, "OnRecordAfterCreateSuccess": 1},
			TestAppFactory: at(9, 0),
		},
		{
			Name: "a member cannot mark someone else as self", Method: http.MethodPost, URL: marksURL,
			Body: strings.NewReader(markBody("", c.MemberB.ID, c.MemberA.ID, "self", cot(9, 0))), Headers: auth(c.MemberA),
			ExpectedStatus: 400, ExpectedContent: []string{`"status":400`, `"code":"mark_not_allowed"`}, ExpectedEvents: map[string]int{"*": 0}, TestAppFactory: at(9, 0),
		},
		{
			Name: "a member cannot mark as a leader", Method: http.MethodPost, URL: marksURL,
			Body: strings.NewReader(markBody("", c.MemberA.ID, c.MemberA.ID, "leader", cot(9, 0))), Headers: auth(c.MemberA),
			ExpectedStatus: 400, ExpectedContent: []string{`"status":400`, `"code":"mark_not_allowed"`}, ExpectedEvents: map[string]int{"*": 0}, TestAppFactory: at(9, 0),
		},
		{
			Name: "a member who is no testigo cannot mark as testigo", Method: http.MethodPost, URL: marksURL,
			Body: strings.NewReader(markBody("", c.MemberB.ID, c.MemberA.ID, "testigo", cot(9, 0))), Headers: auth(c.MemberA),
			ExpectedStatus: 400, ExpectedContent: []string{`"status":400`, `"code":"mark_not_allowed"`}, ExpectedEvents: map[string]int{"*": 0}, TestAppFactory: at(9, 0),
		},
		{
			Name: "anonymous cannot mark", Method: http.MethodPost, URL: marksURL,
			Body:           strings.NewReader(markBody("", c.MemberA.ID, c.MemberA.ID, "self", cot(9, 0))),
			ExpectedStatus: 400, ExpectedContent: []string{`"status":400`, `"code":"mark_not_allowed"`}, ExpectedEvents: map[string]int{"*": 0}, TestAppFactory: at(9, 0),
		},
		{
			Name: "before opening: 409 in Spanish", Method: http.MethodPost, URL: marksURL,
			Body: strings.NewReader(markBody("", c.MemberA.ID, c.LeaderA.ID, "leader", cot(7, 50))), Headers: auth(c.LeaderA),
			ExpectedStatus: 409, ExpectedContent: []string{`"code":"polls_not_open"`, "aún no ha abierto", "8:00 a. m."},
			ExpectedEvents: map[string]int{"OnRecordCreateRequest": 1}, TestAppFactory: at(7, 50),
		},
		{
			Name: "after closing: 409 in Spanish", Method: http.MethodPost, URL: marksURL,
			Body: strings.NewReader(markBody("", c.MemberA.ID, c.LeaderA.ID, "leader", cot(16, 10))), Headers: auth(c.LeaderA),
			ExpectedStatus: 409, ExpectedContent: []string{`"code":"polls_closed"`, "ya cerró", "4:00 p. m."},
			ExpectedEvents: map[string]int{"OnRecordCreateRequest": 1}, TestAppFactory: at(16, 10),
		},
		{
			Name: "made at 15:40 offline, sent at 17:30: accepted with its time", Method: http.MethodPost, URL: marksURL,
			Body: strings.NewReader(markBody("", c.MemberA.ID, c.LeaderA.ID, "leader", cot(15, 40))), Headers: auth(c.LeaderA),
			ExpectedStatus: 200, ExpectedContent: []string{`"status":"live"`, `"marked_at":"2026-03-08 20:40:00.000Z"`},
			ExpectedEvents: map[string]int{"OnRecordCreateRequest": 1, "OnRecordAfterCreateSuccess": 1},
			TestAppFactory: at(17, 30),
		},
		{
			Name: "made at 15:40, sent at 18:05: too late", Method: http.MethodPost, URL: marksURL,
			Body: strings.NewReader(markBody("", c.MemberA.ID, c.LeaderA.ID, "leader", cot(15, 40))), Headers: auth(c.LeaderA),
			ExpectedStatus: 409, ExpectedContent: []string{`"code":"polls_closed"`},
			ExpectedEvents: map[string]int{"OnRecordCreateRequest": 1}, TestAppFactory: at(18, 5),
		},
		{
			Name: "stated in the future", Method: http.MethodPost, URL: marksURL,
			Body: strings.NewReader(markBody("", c.MemberA.ID, c.LeaderA.ID, "leader", cot(12, 0))), Headers: auth(c.LeaderA),
			ExpectedStatus: 409, ExpectedContent: []string{`"code":"marked_in_future"`},
			ExpectedEvents: map[string]int{"OnRecordCreateRequest": 1}, TestAppFactory: at(10, 0),
		},
		{
			Name: "without marked_at the server's time is the mark's", Method: http.MethodPost, URL: marksURL,
			Body:    strings.NewReader(fmt.Sprintf(`{"user":%q,"election":%q,"marked_by":%q,"method":"self"}`, c.MemberA.ID, electionID, c.MemberA.ID)),
			Headers: auth(c.MemberA), ExpectedStatus: 200, ExpectedContent: []string{`"marked_at":"2026-03-08 16:15:00.000Z"`},
			ExpectedEvents: map[string]int{"OnRecordCreateRequest": 1, "OnRecordAfterCreateSuccess": 1},
			TestAppFactory: at(11, 15),
		},
		{
			Name: "a client cannot choose the status", Method: http.MethodPost, URL: marksURL,
			Body:    strings.NewReader(fmt.Sprintf(`{"user":%q,"election":%q,"marked_by":%q,"method":"self","status":"undone"}`, c.MemberA.ID, electionID, c.MemberA.ID)),
			Headers: auth(c.MemberA), ExpectedStatus: 200, ExpectedContent: []string{`"status":"live"`},
			ExpectedEvents: map[string]int{"OnRecordCreateRequest": 1, "OnRecordAfterCreateSuccess": 1},
			TestAppFactory: at(11, 15),
		},
		{
			Name: "nobody but superusers deletes a mark", Method: http.MethodDelete, URL: marksURL + "/mark00000000001", Headers: auth(c.LeaderA),
			ExpectedStatus: 403, ExpectedContent: []string{"Solo un administrador puede hacer esto."}, ExpectedEvents: map[string]int{"*": 0},
			TestAppFactory: func(t testing.TB) *tests.TestApp {
				app, _ := newApp(t, cot(10, 0))
				saveMark(t, app, "mark00000000001", c.MemberA.ID, c.LeaderA.ID, "leader", cot(10, 0))
				return app
			},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				if n := countMarks(t, app, c.MemberA.ID, "live"); n != 1 {
					t.Errorf("%d live marks, want 1", n)
				}
			},
		},
		{
			Name: "a leader lists only their people's marks", Method: http.MethodGet, URL: marksURL, Headers: auth(c.LeaderB),
			ExpectedStatus: 200, ExpectedContent: []string{`"totalItems":1`, `"id":"mark00000000002"`},
			NotExpectedContent: []string{"mark00000000001"}, ExpectedEvents: map[string]int{"OnRecordsListRequest": 1, "OnRecordEnrich": 1},
			TestAppFactory: func(t testing.TB) *tests.TestApp {
				app, _ := newApp(t, cot(10, 0))
				saveMark(t, app, "mark00000000001", c.MemberA.ID, c.LeaderA.ID, "leader", cot(10, 0))
				saveMark(t, app, "mark00000000002", c.MemberB.ID, c.LeaderB.ID, "leader", cot(10, 0))
				return app
			},
		},
		{
			Name: "a member sees their own mark, made by their leader", Method: http.MethodGet, URL: marksURL, Headers: auth(c.MemberA),
			ExpectedStatus: 200, ExpectedContent: []string{`"totalItems":1`, `"id":"mark00000000001"`},
			NotExpectedContent: []string{"mark00000000002"}, ExpectedEvents: map[string]int{"OnRecordsListRequest": 1, "OnRecordEnrich": 1},
			TestAppFactory: func(t testing.TB) *tests.TestApp {
				app, _ := newApp(t, cot(10, 0))
				saveMark(t, app, "mark00000000001", c.MemberA.ID, c.LeaderA.ID, "leader", cot(10, 0))
				saveMark(t, app, "mark00000000002", c.MemberB.ID, c.LeaderB.ID, "leader", cot(10, 0))
				return app
			},
		},
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}

func TestMarkResendConflictUndo(t *testing.T) {
	t.Parallel()
	c := apptest.Seeded(t)
	withMark := func(now time.Time) func(testing.TB) *tests.TestApp {
		return func(t testing.TB) *tests.TestApp {
			app, _ := newApp(t, now)
			saveMark(t, app, "mark00000000001", c.MemberA.ID, c.LeaderA.ID, "leader", cot(10, 0))
			return app
		}
	}
	scenarios := []tests.ApiScenario{
		{
			Name: "a re-sent mark (same id) answers the stored one and applies once", Method: http.MethodPost, URL: marksURL,
			Body:    strings.NewReader(markBody("mark00000000001", c.MemberA.ID, c.LeaderA.ID, "leader", cot(10, 0))),
			Headers: auth(c.LeaderA), ExpectedStatus: 200,
			ExpectedContent: []string{`"id":"mark00000000001"`, `"status":"live"`},
			ExpectedEvents:  map[string]int{"OnRecordCreateRequest": 1},
			TestAppFactory:  withMark(cot(16, 30)), // even after closing: it is the same mark
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				if n := countMarks(t, app, c.MemberA.ID, ""); n != 1 {
					t.Errorf("%d marks stored, want 1", n)
				}
			},
		},
		{
			Name: "someone else's id is not theirs to re-send", Method: http.MethodPost, URL: marksURL,
			Body:    strings.NewReader(markBody("mark00000000001", c.MemberA.ID, c.MemberA.ID, "self", cot(10, 1))),
			Headers: auth(c.MemberA), ExpectedStatus: 409, ExpectedContent: []string{`"code":"id_taken"`},
			ExpectedEvents: map[string]int{"OnRecordCreateRequest": 1}, TestAppFactory: withMark(cot(10, 2)),
		},
		{
			Name: "marked meanwhile by someone else: both records kept, the first counts", Method: http.MethodPost, URL: marksURL,
			Body:    strings.NewReader(markBody("mark00000000002", c.MemberA.ID, c.MemberA.ID, "self", cot(9, 55))),
			Headers: auth(c.MemberA), ExpectedStatus: 200,
			ExpectedContent: []string{`"status":"duplicate"`, `"duplicate_of":"mark00000000001"`},
			ExpectedEvents:  map[string]int{"OnRecordCreateRequest": 1, "OnRecordAfterCreateSuccess": 1},
			TestAppFactory:  withMark(cot(10, 5)),
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				if n, live := countMarks(t, app, c.MemberA.ID, ""), countMarks(t, app, c.MemberA.ID, "live"); n != 2 || live != 1 {
					t.Errorf("%d marks (%d live), want 2 (1 live)", n, live)
				}
			},
		},
		{
			Name: "the author undoes within five minutes", Method: http.MethodPatch, URL: marksURL + "/mark00000000001",
			Body: strings.NewReader(`{"status":"undone"}`), Headers: auth(c.LeaderA), ExpectedStatus: 200,
			ExpectedContent: []string{`"status":"undone"`, `"undone_at":"2026-03-08 15:04:00.000Z"`},
			ExpectedEvents:  map[string]int{"OnRecordUpdateRequest": 1, "OnRecordAfterUpdateSuccess": 1},
			TestAppFactory:  withMark(cot(10, 4)),
		},
		{
			Name: "after five minutes the mark stays", Method: http.MethodPatch, URL: marksURL + "/mark00000000001",
			Body: strings.NewReader(`{"status":"undone"}`), Headers: auth(c.LeaderA), ExpectedStatus: 409,
			ExpectedContent: []string{`"code":"undo_expired"`, "5 minutos"},
			ExpectedEvents:  map[string]int{"OnRecordUpdateRequest": 1}, TestAppFactory: withMark(cot(10, 6)),
		},
		{
			Name: "the marked person cannot undo their leader's mark", Method: http.MethodPatch, URL: marksURL + "/mark00000000001",
			Body: strings.NewReader(`{"status":"undone"}`), Headers: auth(c.MemberA), ExpectedStatus: 404, ExpectedContent: []string{`"status":404`},
			ExpectedEvents: map[string]int{"*": 0}, TestAppFactory: withMark(cot(10, 1)),
		},
		{
			Name: "a mark is never edited, only undone", Method: http.MethodPatch, URL: marksURL + "/mark00000000001",
			Body: strings.NewReader(`{"marked_at":"2026-03-08 15:03:00.000Z"}`), Headers: auth(c.LeaderA), ExpectedStatus: 400,
			ExpectedContent: []string{`"code":"field_not_editable"`, `"field":"marked_at"`},
			ExpectedEvents:  map[string]int{"OnRecordUpdateRequest": 1}, TestAppFactory: withMark(cot(10, 1)),
		},
		{
			Name: "after an undo the person can be marked again", Method: http.MethodPost, URL: marksURL,
			Body:    strings.NewReader(markBody("", c.MemberA.ID, c.LeaderA.ID, "leader", cot(10, 30))),
			Headers: auth(c.LeaderA), ExpectedStatus: 200, ExpectedContent: []string{`"status":"live"`},
			ExpectedEvents: map[string]int{"OnRecordCreateRequest": 1, "OnRecordAfterCreateSuccess": 1},
			TestAppFactory: func(t testing.TB) *tests.TestApp {
				app, _ := newApp(t, cot(10, 30))
				saveMark(t, app, "mark00000000001", c.MemberA.ID, c.LeaderA.ID, "leader", cot(10, 0))
				m, _ := app.FindRecordById("vote_marks", "mark00000000001")
				m.Set("status", "undone")
				if err := app.Save(m); err != nil {
					t.Fatal(err)
				}
				return app
			},
		},
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}

func TestTestigoMarksOnlyTheirMesa(t *testing.T) {
	t.Parallel()
	c := apptest.Seeded(t)
	// MemberA is testigo at mesa 3 (where MemberB votes); Loner votes at mesa 7.
	factory := func(t testing.TB) *tests.TestApp {
		app, _ := newApp(t, cot(11, 0))
		saveTestigo(t, app, "testigo00000001", c.MemberA.ID, c.LeaderA.ID, mesa3)
		return app
	}
	scenarios := []tests.ApiScenario{
		{
			Name: "a testigo marks someone of their mesa", Method: http.MethodPost, URL: marksURL,
			Body:    strings.NewReader(markBody("", c.MemberB.ID, c.MemberA.ID, "testigo", cot(11, 0))),
			Headers: auth(c.MemberA), ExpectedStatus: 200, ExpectedContent: []string{`"method":"testigo"`, `"status":"live"`},
			ExpectedEvents: map[string]int{"OnRecordCreateRequest": 1, "OnRecordAfterCreateSuccess": 1},
			TestAppFactory: factory,
		},
		{
			Name: "a testigo of another mesa cannot", Method: http.MethodPost, URL: marksURL,
			Body:    strings.NewReader(markBody("", c.Loner.ID, c.MemberA.ID, "testigo", cot(11, 0))),
			Headers: auth(c.MemberA), ExpectedStatus: 403, ExpectedContent: []string{`"code":"not_your_mesa"`},
			ExpectedEvents: map[string]int{"OnRecordCreateRequest": 1}, TestAppFactory: factory,
		},
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}
