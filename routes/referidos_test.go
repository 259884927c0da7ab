package routes_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/padron/padron/apptest"
)

// network gives LeaderA three referidos in two municipios of Antioquia (one
// not yet checked) and LeaderB's one referido a puesto in Bogotá that
// LeaderA must never see.
func network(c apptest.Cast) func(testing.TB, *tests.TestApp, *core.ServeEvent) {
	return func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
		addUser(t, app, "refmedellin0001", "Marta Gómez", "30000001", "member", c.LeaderA.ID)
		addUser(t, app, "refenvigado0001", "Óscar Núñez", "30000002", "member", c.LeaderA.ID)
		setInfo(t, app, c.MemberA.ID, "active", old, "ANTIOQUIA", "MEDELLIN", "IE SAN JOSE", "CL 10 # 5-20", "12")
		setInfo(t, app, "refmedellin0001", "active", old, "ANTIOQUIA", "MEDELLIN", "IE SAN JOSE", "CL 10 # 5-20", "3")
		setInfo(t, app, "refenvigado0001", "cancelled_other", old, "ANTIOQUIA", "ENVIGADO", "COLISEO", "=HYPERLINK(\"x\")", "1", "-Baja por doble cedulación")
		setInfo(t, app, c.MemberB.ID, "active", old, "BOGOTA D.C.", "BOGOTA D.C.", "PUESTO SECRETO B", "KR 7", "9")
	}
}

func TestReferidosStats(t *testing.T) {
	t.Parallel()
	c := apptest.Seeded(t)
	get := func(name string, who map[string]string, status int, content []string, not ...string) tests.ApiScenario {
		return tests.ApiScenario{Name: name, Method: http.MethodGet, URL: "/api/referidos/stats", Headers: who,
			ExpectedStatus: status, ExpectedContent: content, NotExpectedContent: not, BeforeTestFunc: network(c)}
	}
	scenarios := []tests.ApiScenario{
		get("anonymous", nil, 401, []string{`"code":"auth_required"`}),
		get("member", auth(c.MemberA), 403, []string{`"code":"leaders_only"`}, "ANTIOQUIA"),
		get("leader sees their referidos only", auth(c.LeaderA), 200, []string{
			`"total":3`,
			`"active":2`, `"cancelled_other":1`, `"pending":0`,
			`"by_departamento":[{"departamento":"ANTIOQUIA","count":3}]`,
			`"by_municipio":[{"departamento":"ANTIOQUIA","municipio":"MEDELLIN","count":2},{"departamento":"ANTIOQUIA","municipio":"ENVIGADO","count":1}]`,
			`{"departamento":"ANTIOQUIA","municipio":"MEDELLIN","puesto":"IE SAN JOSE","count":2}`,
			`"goal":{"goal":10,"referred":3,"percent":30}`,
		}, "BOGOTA", "SECRETO", `"leaders"`, c.MemberB.ID),
		get("another leader sees theirs only", auth(c.LeaderB), 200, []string{
			`"total":1`, `"puesto":"PUESTO SECRETO B"`, `"goal":{"goal":10,"referred":1,"percent":10}`,
		}, "ANTIOQUIA", "MEDELLIN"),
		get("superuser sees everyone and every leader", auth(c.Superuser), 200, []string{
			`"total":7`, // 5 seeded users + 2 referidos: everyone
			`"pending":3`, `"BOGOTA D.C."`, `"ANTIOQUIA"`,
			`{"id":"` + c.LeaderA.ID + `","name":"Lucía Líder","goal":{"goal":10,"referred":3,"percent":30}`,
			`{"id":"` + c.LeaderB.ID + `","name":"Bruno Líder","goal":{"goal":10,"referred":1,"percent":10}`,
		}, `"goal":{"goal":10,"referred":7`),
	}
	for _, s := range scenarios {
		s.TestAppFactory = func(t testing.TB) *tests.TestApp { return setup(t, nil) }
		s.Test(t)
	}
}

func TestReferidosExport(t *testing.T) {
	t.Parallel()
	c := apptest.Seeded(t)
	const header = "\uFEFFnombre,cédula,teléfono,fecha de registro,estado,departamento,municipio,puesto,dirección,mesa,novedad,consultado el\r\n"
	get := func(name, query string, who map[string]string, status int, content []string, not ...string) tests.ApiScenario {
		return tests.ApiScenario{Name: name, Method: http.MethodGet, URL: "/api/referidos/export.csv" + query, Headers: who,
			ExpectedStatus: status, ExpectedContent: content, NotExpectedContent: not, BeforeTestFunc: network(c)}
	}
	csvType := func(t testing.TB, _ *tests.TestApp, res *http.Response) {
		if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
			t.Errorf("Content-Type = %q", ct)
		}
		if cd := res.Header.Get("Content-Disposition"); !strings.Contains(cd, "referidos.csv") {
			t.Errorf("Content-Disposition = %q", cd)
		}
	}
	anaRow := "Ana Referida,20000001,3001234567,"
	scenarios := []tests.ApiScenario{
		get("anonymous", "", nil, 401, []string{`"code":"auth_required"`}),
		get("member", "", auth(c.MemberA), 403, []string{`"code":"leaders_only"`}, "Ana Referida"),
		with(get("leader gets their referidos, BOM first, formulas neutralised", "", auth(c.LeaderA), 200, []string{
			header, anaRow,
			",Habilitada,ANTIOQUIA,MEDELLIN,IE SAN JOSE,CL 10 # 5-20,12,,",
			"Óscar Núñez,30000002,3009876543,",
			`,Cancelada,ANTIOQUIA,ENVIGADO,COLISEO,"'=HYPERLINK(""x"")",1,'-Baja por doble cedulación,`,
		}, "Beto Referido", "SECRETO", "Lucía Líder", "Carla Sola"), network(c), csvType),
		get("another leader gets theirs only", "", auth(c.LeaderB), 200, []string{header, "Beto Referido,20000002", "PUESTO SECRETO B"},
			"Ana Referida", "Marta Gómez"),
		get("semicolons for Excel in Spanish", "?sep=semicolon", auth(c.LeaderA), 200, []string{
			"\uFEFFnombre;cédula;teléfono;", "Ana Referida;20000001;3001234567;",
		}),
		get("semicolons, URL-encoded", "?sep=%3B", auth(c.LeaderA), 200, []string{"Ana Referida;20000001;"}),
		get("bad separator", "?sep=|", auth(c.LeaderA), 400, []string{`"code":"invalid_separator"`}),
		get("superuser gets everyone", "", auth(c.Superuser), 200, []string{
			header, anaRow, "Beto Referido", "Lucía Líder", "Carla Sola", "Marta Gómez", "En cola",
		}),
	}
	for _, s := range scenarios {
		s.TestAppFactory = func(t testing.TB) *tests.TestApp { return setup(t, nil) }
		s.Test(t)
	}
}
