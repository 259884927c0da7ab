package routes_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/xuri/excelize/v2"

	"github.com/padron/padron/apptest"
	"github.com/padron/padron/schema"
)

// diadApp: LeaderA's people are MemberA (Medellín, mesa 10), Pedro
// (Medellín, mesa 2, a formula in his puesto's address) and Zoe (Envigado);
// Zoe's referido Raúl is LeaderA's too once the pyramid lands (not today).
func diadApp(t testing.TB) *tests.TestApp {
	app := setup(t, nil)
	c := apptest.Seeded(t)
	addUser(t, app, "pedro0000000001", "Pedro Pérez", "30000001", "member", c.LeaderA.ID)
	addUser(t, app, "zoe000000000001", "Zoe Ñañez", "30000002", "leader", c.LeaderA.ID)
	setInfo(t, app, c.MemberA.ID, "active", t0, "ANTIOQUIA", "MEDELLIN", "IE SAN JOSE", "CL 1", "10")
	setInfo(t, app, "pedro0000000001", "active", t0, "ANTIOQUIA", "MEDELLIN", "IE SAN JOSE", "=HYPERLINK(\"x\")", "2")
	setInfo(t, app, "zoe000000000001", "cancelled_other", t0, "ANTIOQUIA", "ENVIGADO", "COLISEO", "@SUM(A1)", "1")
	setInfo(t, app, c.MemberB.ID, "active", t0, "ANTIOQUIA", "MEDELLIN", "IE SAN JOSE", "CL 1", "10")
	return app
}

func TestDiaDListsCSV(t *testing.T) {
	t.Parallel()
	c := apptest.Seeded(t)
	get := func(name, url string, headers map[string]string, status int, want, notWant []string) tests.ApiScenario {
		s := tests.ApiScenario{
			Name: name, Method: http.MethodGet, URL: url, Headers: headers,
			ExpectedStatus: status, ExpectedContent: want, NotExpectedContent: notWant,
			ExpectedEvents: map[string]int{"*": 0}, TestAppFactory: diadApp,
		}
		if status == http.StatusOK && strings.Contains(url, "lists.") {
			// Every download of other people's data is one data_exports record.
			s.ExpectedEvents = exportLogged
			s.AfterTestFunc = func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				recs, err := app.FindAllRecords(schema.DataExportsCollection)
				if err != nil || len(recs) != 1 || recs[0].GetString("what") != "listas-dia-d.csv" || recs[0].GetInt("rows") < 3 {
					t.Fatalf("data_exports = %v (%v), want one listas-dia-d.csv record of at least 3 rows", recs, err)
				}
			}
		}
		return s
	}
	scenarios := []tests.ApiScenario{
		get("a leader's lists: BOM, grouped, formulas neutralised", "/api/dia-d/lists.csv", auth(c.LeaderA), 200, []string{
			"\uFEFFdepartamento,municipio,puesto,dirección,mesa,nombre,cédula,teléfono,líder directo,estado\r\n" +
				"ANTIOQUIA,ENVIGADO,COLISEO,'@SUM(A1),1,Zoe Ñañez,30000002,3009876543,Lucía Líder,Con novedad\r\n" +
				`ANTIOQUIA,MEDELLIN,IE SAN JOSE,"'=HYPERLINK(""x"")",2,Pedro Pérez,30000001,3009876543,Lucía Líder,Habilitada` + "\r\n" +
				"ANTIOQUIA,MEDELLIN,IE SAN JOSE,CL 1,10,Ana Referida,20000001,3001234567,Lucía Líder,Habilitada\r\n",
		}, []string{"Beto", "20000002"}),
		get("semicolons for Excel in Spanish", "/api/dia-d/lists.csv?sep=semicolon", auth(c.LeaderA), 200,
			[]string{"ANTIOQUIA;ENVIGADO;COLISEO;'@SUM(A1);1;"}, nil),
		get("a member has no lists", "/api/dia-d/lists.csv", auth(c.MemberA), 403, []string{`"code":"leaders_only"`}, nil),
		get("anonymous", "/api/dia-d/lists.csv", nil, 401, []string{`"code":"auth_required"`}, nil),
		get("a bad separator", "/api/dia-d/lists.csv?sep=tab", auth(c.LeaderA), 400, []string{`"code":"invalid_separator"`}, nil),
		get("the dashboard's people: branch and leader", "/api/dia-d/people", auth(c.LeaderA), 200, []string{
			`"id":"zoe000000000001"`, `"branch_id":"zoe000000000001"`, `"leader_name":"Lucía Líder"`, `"status":"cancelled_other"`,
		}, []string{"Beto"}),
		get("the xlsx is for managers too", "/api/dia-d/lists.xlsx", auth(c.MemberA), 403, []string{`"code":"leaders_only"`}, nil),
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}

// exportLogged are the events of the one data_exports record an export writes.
var exportLogged = map[string]int{
	"OnModelCreate": 1, "OnModelCreateExecute": 1, "OnModelAfterCreateSuccess": 1, "OnModelValidate": 1,
	"OnRecordCreate": 1, "OnRecordCreateExecute": 1, "OnRecordAfterCreateSuccess": 1, "OnRecordValidate": 1,
}

// TestDiaDListsXLSX opens the workbook with excelize and reads it cell by cell.
func TestDiaDListsXLSX(t *testing.T) {
	t.Parallel()
	c := apptest.Seeded(t)
	app := diadApp(t)
	t.Cleanup(app.Cleanup)
	srv := apptest.Serve(t, app)
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/api/dia-d/lists.xlsx", nil)
	req.Header.Set("Authorization", c.LeaderA.Token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 || !strings.Contains(res.Header.Get("Content-Type"), "spreadsheetml") {
		t.Fatalf("status %d, type %q: %s", res.StatusCode, res.Header.Get("Content-Type"), body)
	}
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := strings.Join(f.GetSheetList(), "|"); got != "ENVIGADO|MEDELLIN" {
		t.Fatalf("sheets %q, want ENVIGADO|MEDELLIN", got)
	}
	header := []string{"puesto", "dirección", "mesa", "nombre", "cédula", "teléfono", "líder directo", "estado"}
	want := map[string][][]string{
		"ENVIGADO": {header, {"COLISEO", "@SUM(A1)", "1", "Zoe Ñañez", "30000002", "3009876543", "Lucía Líder", "Con novedad"}},
		"MEDELLIN": {header,
			{"IE SAN JOSE", `=HYPERLINK("x")`, "2", "Pedro Pérez", "30000001", "3009876543", "Lucía Líder", "Habilitada"},
			{"IE SAN JOSE", "CL 1", "10", "Ana Referida", "20000001", "3001234567", "Lucía Líder", "Habilitada"}},
	}
	for sheet, rows := range want {
		got, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(rows) {
			t.Errorf("%s: %d rows, want %d: %q", sheet, len(got), len(rows), got)
			continue
		}
		for r, row := range rows {
			for col, v := range row {
				cell, _ := excelize.CoordinatesToCellName(col+1, r+1)
				if g, _ := f.GetCellValue(sheet, cell); g != v {
					t.Errorf("%s!%s = %q, want %q", sheet, cell, g, v)
				}
				// Text, never a formula or a number: a cédula keeps its digits.
				if ft, _ := f.GetCellFormula(sheet, cell); ft != "" {
					t.Errorf("%s!%s is a formula %q", sheet, cell, ft)
				}
				if typ, _ := f.GetCellType(sheet, cell); r > 0 && typ != excelize.CellTypeInlineString && typ != excelize.CellTypeSharedString {
					t.Errorf("%s!%s has type %v, want text", sheet, cell, typ)
				}
			}
		}
	}
}

// TestDiaDPeopleBranches: a superuser sees everyone; each person's branch is
// the top of their chain within what the caller sees.
func TestDiaDPeopleBranches(t *testing.T) {
	t.Parallel()
	c := apptest.Seeded(t)
	app := diadApp(t)
	t.Cleanup(app.Cleanup)
	addUser(t, app, "raul00000000001", "Raúl Ruiz", "30000003", "member", "zoe000000000001")
	srv := apptest.Serve(t, app)
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/api/dia-d/people", nil)
	req.Header.Set("Authorization", c.Superuser.Token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out struct {
		People []struct {
			ID, Name   string
			BranchID   string `json:"branch_id"`
			LeaderName string `json:"leader_name"`
		}
	}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	branch := map[string]string{}
	for _, p := range out.People {
		branch[p.ID] = p.BranchID
	}
	for id, want := range map[string]string{
		"raul00000000001": c.LeaderA.ID, "zoe000000000001": c.LeaderA.ID, c.MemberA.ID: c.LeaderA.ID,
		c.LeaderA.ID: c.LeaderA.ID, c.MemberB.ID: c.LeaderB.ID,
	} {
		if branch[id] != want {
			t.Errorf("branch of %s = %q, want %q", id, branch[id], want)
		}
	}
}

func TestDiaDMesa(t *testing.T) {
	t.Parallel()
	c := apptest.Seeded(t)
	factory := func(t testing.TB) *tests.TestApp {
		app := diadApp(t)
		el := core.NewRecord(mustCol(t, app, "elections"))
		el.Id = "elec2026marzo08"
		el.Set("name", "Congreso 2026")
		el.Set("date", "2026-03-08 00:00:00.000Z")
		el.Set("current", true)
		if err := app.Save(el); err != nil {
			t.Fatal(err)
		}
		tg := core.NewRecord(mustCol(t, app, "testigos"))
		for k, v := range map[string]any{"user": "pedro0000000001", "election": el.Id, "assigned_by": c.LeaderA.ID,
			"departamento": "ANTIOQUIA", "municipio": "MEDELLIN", "puesto": "IE SAN JOSE", "mesa": "10", "status": "live"} {
			tg.Set(k, v)
		}
		if err := app.Save(tg); err != nil {
			t.Fatal(err)
		}
		return app
	}
	pedro := map[string]string{}
	scenarios := []tests.ApiScenario{
		{
			Name: "the testigo sees who votes at their mesa, names only", Method: http.MethodGet, URL: "/api/dia-d/mesa",
			ExpectedStatus: 200, ExpectedContent: []string{`"name":"Ana Referida"`, `"name":"Beto Referido"`, `"voted":false`, `"mesa":"10"`},
			NotExpectedContent: []string{"20000001", "Zoe", "3001234567"}, ExpectedEvents: map[string]int{"*": 0},
			Headers: pedro, // filled by the factory: Pedro exists in that app only
			TestAppFactory: func(t testing.TB) *tests.TestApp {
				app := factory(t)
				u, err := app.FindRecordById("users", "pedro0000000001")
				if err != nil {
					t.Fatal(err)
				}
				if pedro["Authorization"], err = u.NewAuthToken(); err != nil {
					t.Fatal(err)
				}
				return app
			},
		},
		{
			Name: "someone who is no testigo", Method: http.MethodGet, URL: "/api/dia-d/mesa", Headers: auth(c.MemberA),
			ExpectedStatus: 404, ExpectedContent: []string{`"code":"not_a_testigo"`}, ExpectedEvents: map[string]int{"*": 0},
			TestAppFactory: factory,
		},
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}

func mustCol(t testing.TB, app core.App, name string) *core.Collection {
	t.Helper()
	col, err := app.FindCollectionByNameOrId(name)
	if err != nil {
		t.Fatal(err)
	}
	return col
}
