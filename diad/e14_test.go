package diad_test

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/padron/padron/apptest"
)

const e14URL = "/api/collections/e14_reports/records"

func e14Body(by string, votes string, blank, null, unmarked, total int) string {
	return fmt.Sprintf(`{"testigo":"testigo00000001","reported_by":%q,"votes":%s,"blank":%d,"null_votes":%d,"unmarked":%d,"total":%d}`,
		by, votes, blank, null, unmarked, total)
}

// multipartE14 is the form the web app sends: fields and a photo.
func multipartE14(t testing.TB, by string, name string, photo []byte) (io.Reader, string) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for k, v := range map[string]string{
		"testigo": "testigo00000001", "reported_by": by, "votes": `{"Partido A":10,"Partido B":5}`,
		"blank": "1", "null_votes": "1", "unmarked": "0", "total": "17",
	} {
		_ = w.WriteField(k, v)
	}
	f, _ := w.CreateFormFile("photo", name)
	_, _ = f.Write(photo)
	_ = w.Close()
	return &b, w.FormDataContentType()
}

func pngBytes(t testing.TB) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	img.Set(1, 1, color.Black)
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestE14Reports(t *testing.T) {
	t.Parallel()
	c := apptest.Seeded(t)
	at := func(h, m int) func(testing.TB) *tests.TestApp {
		return func(t testing.TB) *tests.TestApp {
			app, _ := newApp(t, cot(h, m))
			saveTestigo(t, app, "testigo00000001", c.MemberA.ID, c.LeaderA.ID, mesa3)
			return app
		}
	}
	photo, photoType := multipartE14(t, c.MemberA.ID, "e14.png", pngBytes(t))
	text, textType := multipartE14(t, c.MemberA.ID, "e14.png", []byte("no soy una imagen"))
	scenarios := []tests.ApiScenario{
		{
			Name: "the testigo reports after closing; counts add up", Method: http.MethodPost, URL: e14URL,
			Body: strings.NewReader(e14Body(c.MemberA.ID, `{"Partido A":10,"Partido B":5}`, 1, 1, 0, 17)), Headers: auth(c.MemberA),
			ExpectedStatus: 200, ExpectedContent: []string{`"flagged":false`, `"mesa":"3"`, `"puesto":"IE SAN JOSE"`, `"election":"` + electionID + `"`, `"status":"live"`},
			ExpectedEvents: map[string]int{"OnRecordCreateRequest": 1, "OnRecordAfterCreateSuccess": 1},
			TestAppFactory: at(16, 30),
		},
		{
			Name: "counts that do not add up are flagged, not refused", Method: http.MethodPost, URL: e14URL,
			Body: strings.NewReader(e14Body(c.MemberA.ID, `{"Partido A":10,"Partido B":5}`, 1, 1, 0, 20)), Headers: auth(c.MemberA),
			ExpectedStatus: 200, ExpectedContent: []string{`"flagged":true`, "no coincide con el total (20)"},
			ExpectedEvents: map[string]int{"OnRecordCreateRequest": 1, "OnRecordAfterCreateSuccess": 1},
			TestAppFactory: at(16, 30),
		},
		{
			Name: "before closing: 409", Method: http.MethodPost, URL: e14URL,
			Body: strings.NewReader(e14Body(c.MemberA.ID, `{"Partido A":10}`, 0, 0, 0, 10)), Headers: auth(c.MemberA),
			ExpectedStatus: 409, ExpectedContent: []string{`"code":"polls_open"`},
			ExpectedEvents: map[string]int{"OnRecordCreateRequest": 1}, TestAppFactory: at(15, 0),
		},
		{
			Name: "an option the election does not have", Method: http.MethodPost, URL: e14URL,
			Body: strings.NewReader(e14Body(c.MemberA.ID, `{"Partido Z":10}`, 0, 0, 0, 10)), Headers: auth(c.MemberA),
			ExpectedStatus: 400, ExpectedContent: []string{`"code":"votes_invalid"`, "Partido Z"},
			ExpectedEvents: map[string]int{"OnRecordCreateRequest": 1}, TestAppFactory: at(16, 30),
		},
		{
			Name: "someone who is not the testigo cannot report their mesa", Method: http.MethodPost, URL: e14URL,
			Body: strings.NewReader(e14Body(c.LeaderA.ID, `{"Partido A":10}`, 0, 0, 0, 10)), Headers: auth(c.LeaderA),
			ExpectedStatus: 400, ExpectedContent: []string{`"status":400`, `"code":"e14_not_allowed"`}, ExpectedEvents: map[string]int{"*": 0},
			TestAppFactory: at(16, 30),
		},
		{
			Name: "with a photo of the paper form", Method: http.MethodPost, URL: e14URL,
			Body: photo, Headers: map[string]string{"Authorization": c.MemberA.Token, "Content-Type": photoType},
			ExpectedStatus: 200, ExpectedContent: []string{`"photo":"e14_`, `"flagged":false`},
			ExpectedEvents: map[string]int{"OnRecordCreateRequest": 1, "OnRecordAfterCreateSuccess": 1},
			TestAppFactory: at(16, 30),
		},
		{
			Name: "a photo that is not an image is refused", Method: http.MethodPost, URL: e14URL,
			Body: text, Headers: map[string]string{"Authorization": c.MemberA.Token, "Content-Type": textType},
			ExpectedStatus: 400, ExpectedContent: []string{`"photo"`},
			ExpectedEvents: map[string]int{"OnRecordCreateRequest": 1}, TestAppFactory: at(16, 30),
		},
		{
			Name: "a second report replaces the first, which stays", Method: http.MethodPost, URL: e14URL,
			Body: strings.NewReader(e14Body(c.MemberA.ID, `{"Partido A":11,"Partido B":5}`, 1, 1, 0, 18)), Headers: auth(c.MemberA),
			ExpectedStatus: 200, ExpectedContent: []string{`"status":"live"`},
			ExpectedEvents: map[string]int{"OnRecordCreateRequest": 1, "OnRecordAfterCreateSuccess": 1, "OnRecordAfterUpdateSuccess": 1},
			TestAppFactory: func(t testing.TB) *tests.TestApp {
				app := at(16, 30)(t)
				saveE14(t, app, "e14report000001")
				return app
			},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				r, err := app.FindRecordById("e14_reports", "e14report000001")
				if err != nil || r.GetString("status") != "replaced" {
					t.Errorf("first report: %v %v, want replaced", r, err)
				}
			},
		},
		{
			Name: "the testigo's leader reads the report", Method: http.MethodGet, URL: e14URL, Headers: auth(c.LeaderA),
			ExpectedStatus: 200, ExpectedContent: []string{`"totalItems":1`, "e14report000001"},
			ExpectedEvents: map[string]int{"OnRecordsListRequest": 1, "OnRecordEnrich": 1},
			TestAppFactory: func(t testing.TB) *tests.TestApp {
				app := at(16, 30)(t)
				saveE14(t, app, "e14report000001")
				return app
			},
		},
		{
			Name: "another leader does not", Method: http.MethodGet, URL: e14URL, Headers: auth(c.LeaderB),
			ExpectedStatus: 200, ExpectedContent: []string{`"totalItems":0`}, ExpectedEvents: map[string]int{"OnRecordsListRequest": 1},
			TestAppFactory: func(t testing.TB) *tests.TestApp {
				app := at(16, 30)(t)
				saveE14(t, app, "e14report000001")
				return app
			},
		},
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}

func saveE14(t testing.TB, app *tests.TestApp, id string) {
	t.Helper()
	col, _ := app.FindCollectionByNameOrId("e14_reports")
	r := core.NewRecord(col)
	r.Id = id
	r.Set("testigo", "testigo00000001")
	r.Set("election", electionID)
	r.Set("reported_by", apptest.Seeded(t).MemberA.ID)
	r.Set("votes", map[string]int{"Partido A": 10})
	r.Set("total", 10)
	r.Set("status", "live")
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
}
