package routes

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"github.com/padron/padron/schema"
)

// GET /api/dia-d/coverage: the mesas where the caller's people vote (the
// referidos the users and cedula_info rules show them, able to vote), each
// with how many of them vote there and have voted, its testigo when the
// caller may see the assignment (else only that another branch covers it),
// and whether an E-14 the caller may read was reported; the mesas with the
// most people first, so a coordinator assigns testigos where they count.

// coverageMesa is one mesa of the coverage view.
type coverageMesa struct {
	Departamento string `json:"departamento"`
	Municipio    string `json:"municipio"`
	Puesto       string `json:"puesto"`
	Direccion    string `json:"direccion"`
	Mesa         string `json:"mesa"`
	People       int    `json:"people"`
	Voted        int    `json:"voted"`
	// Testigo is the live assignment of the mesa when the caller may see it.
	Testigo *coverageTestigo `json:"testigo"`
	// CoveredElsewhere: a testigo the caller may not see (another branch's) holds the mesa.
	CoveredElsewhere bool `json:"covered_elsewhere"`
	// E14Reported: a live E-14 of the mesa that the caller may read exists.
	E14Reported bool `json:"e14_reported"`
	// E14Flagged: that E-14's counts do not add up.
	E14Flagged bool `json:"e14_flagged"`
}

// coverageTestigo is the testigo of a mesa, as the coverage view names them.
type coverageTestigo struct {
	ID   string `db:"id" json:"id"`
	User string `db:"user" json:"user"`
	Name string `db:"name" json:"name"`
}

// coverageTotals sums the coverage view.
type coverageTotals struct {
	Mesas    int `json:"mesas"`
	Covered  int `json:"covered"`
	Reported int `json:"reported"`
	People   int `json:"people"`
	Voted    int `json:"voted"`
}

func bindDiaDCoverage(se *core.ServeEvent) {
	se.Router.GET("/api/dia-d/coverage", func(e *core.RequestEvent) error {
		who, election, err := leaderElection(e)
		if err != nil {
			return err
		}
		filter := placeFilterOf(e)
		switch e.Request.URL.Query().Get("testigo") {
		case "", "con", "sin":
		default:
			return apiError(http.StatusBadRequest, "invalid_testigo_filter", `El filtro de testigo debe ser "con" o "sin".`, nil)
		}
		mesas, err := diadCoverage(e.App, who, election.Id, filter)
		if err != nil {
			return e.InternalServerError("No pudimos preparar la cobertura de mesas.", err)
		}
		if want := e.Request.URL.Query().Get("testigo"); want != "" {
			mesas = slices.DeleteFunc(mesas, func(m coverageMesa) bool {
				covered := m.Testigo != nil || m.CoveredElsewhere
				return covered != (want == "con")
			})
		}
		var totals coverageTotals
		for _, m := range mesas {
			totals.Mesas++
			totals.People += m.People
			totals.Voted += m.Voted
			if m.Testigo != nil || m.CoveredElsewhere {
				totals.Covered++
			}
			if m.E14Reported {
				totals.Reported++
			}
		}
		return e.JSON(http.StatusOK, map[string]any{
			"election": map[string]any{"id": election.Id, "name": election.GetString("name")},
			"totals":   totals, "mesas": mesas,
		})
	}).Bind(apis.BodyLimit(readBodyLimit))
}

// coveragePerson is one of the caller's people with a mesa.
type coveragePerson struct {
	ID           string `db:"id"`
	Departamento string `db:"departamento"`
	Municipio    string `db:"municipio"`
	Puesto       string `db:"puesto"`
	Direccion    string `db:"direccion"`
	Mesa         string `db:"mesa"`
	Status       string `db:"status"`
}

// diadCoverage builds the coverage view of who in election, narrowed by filter.
func diadCoverage(app core.App, who caller, election string, filter placeFilter) ([]coverageMesa, error) {
	q, err := who.referidos(app)
	if err != nil {
		return nil, err
	}
	var people []coveragePerson
	err = q.Select("users.id", "cedula_info.departamento", "cedula_info.municipio", "cedula_info.puesto",
		"cedula_info.direccion", "cedula_info.mesa", "cedula_info.status").
		All(&people) // who can vote where is decided below, with the place filter
	if err != nil {
		return nil, fmt.Errorf("coverage people: %w", err)
	}
	// Who voted, read once from the election's live marks (an index
	// range), rather than a lookup per person inside the rule's query.
	var votedIDs []string
	err = app.DB().Select("user").From(schema.VoteMarksCollection).
		Where(dbx.HashExp{"election": election, "status": "live"}).Column(&votedIDs)
	if err != nil {
		return nil, fmt.Errorf("coverage marks: %w", err)
	}
	voted := make(map[string]bool, len(votedIDs))
	for _, id := range votedIDs {
		voted[id] = true
	}
	byKey := map[mesaKey]*coverageMesa{}
	var order []mesaKey
	for _, p := range people {
		k := keyOf(p.Departamento, p.Municipio, p.Puesto, p.Mesa)
		if p.Status != "active" || k.puesto == "" || k.mesa == "" || !filter.keeps(k) {
			continue
		}
		m, ok := byKey[k]
		if !ok {
			m = &coverageMesa{Departamento: k.departamento, Municipio: k.municipio, Puesto: k.puesto,
				Direccion: p.Direccion, Mesa: k.mesa}
			byKey[k] = m
			order = append(order, k)
		}
		m.People++
		if voted[p.ID] {
			m.Voted++
		}
	}
	if err := coverTestigos(app, who, election, byKey); err != nil {
		return nil, err
	}
	if err := coverReports(app, who, election, byKey); err != nil {
		return nil, err
	}
	mesas := make([]coverageMesa, 0, len(order))
	for _, k := range order {
		mesas = append(mesas, *byKey[k])
	}
	slices.SortFunc(mesas, func(a, b coverageMesa) int {
		return cmp.Or(cmp.Compare(b.People, a.People), cmp.Compare(a.Departamento, b.Departamento),
			cmp.Compare(a.Municipio, b.Municipio), cmp.Compare(a.Puesto, b.Puesto), compareMesa(a.Mesa, b.Mesa))
	})
	return mesas, nil
}

// coverTestigos sets each mesa's testigo: named when the testigos rule shows
// the assignment to who, else only marked as covered by another branch
// (whose testigo holds the mesa: the law allows one per party).
func coverTestigos(app core.App, who caller, election string, byKey map[mesaKey]*coverageMesa) error {
	type assignment struct {
		coverageTestigo
		Departamento string `db:"departamento"`
		Municipio    string `db:"municipio"`
		Puesto       string `db:"puesto"`
		Mesa         string `db:"mesa"`
	}
	var all []assignment
	err := app.DB().Select("t.id", "t.user", "COALESCE(u.name, '') AS name", "t.departamento", "t.municipio", "t.puesto", "t.mesa").
		From(schema.TestigosCollection+" t").
		LeftJoin(schema.UsersCollection+" u", dbx.NewExp("u.id = t.user")).
		Where(dbx.HashExp{"t.election": election, "t.status": "live"}).
		All(&all)
	if err != nil {
		return fmt.Errorf("coverage testigos: %w", err)
	}
	col, err := app.FindCachedCollectionByNameOrId(schema.TestigosCollection)
	if err != nil {
		return fmt.Errorf("collection testigos: %w", err)
	}
	vq := app.RecordQuery(col).Select(col.Name + ".id").
		AndWhere(dbx.HashExp{col.Name + ".election": election, col.Name + ".status": "live"})
	if err := who.applyRule(app, vq, col, col.ListRule); err != nil {
		return err
	}
	var visibleIDs []string
	if err := vq.Column(&visibleIDs); err != nil {
		return fmt.Errorf("coverage visible testigos: %w", err)
	}
	visible := make(map[string]bool, len(visibleIDs))
	for _, id := range visibleIDs {
		visible[id] = true
	}
	for _, a := range all {
		m, ok := byKey[keyOf(a.Departamento, a.Municipio, a.Puesto, a.Mesa)]
		if !ok {
			continue
		}
		if visible[a.ID] {
			t := a.coverageTestigo
			m.Testigo = &t
		} else {
			m.CoveredElsewhere = true
		}
	}
	return nil
}

// coverReports marks the mesas with a live E-14 that the e14_reports rule
// lets who read.
func coverReports(app core.App, who caller, election string, byKey map[mesaKey]*coverageMesa) error {
	col, err := app.FindCachedCollectionByNameOrId(schema.E14Collection)
	if err != nil {
		return fmt.Errorf("collection e14_reports: %w", err)
	}
	n := col.Name
	q := app.RecordQuery(col).Select(n+".departamento", n+".municipio", n+".puesto", n+".mesa", n+".flagged").
		AndWhere(dbx.HashExp{n + ".election": election, n + ".status": "live"}).
		OrderBy(n + ".created ASC")
	if err := who.applyRule(app, q, col, col.ListRule); err != nil {
		return err
	}
	var rows []struct {
		Departamento string `db:"departamento"`
		Municipio    string `db:"municipio"`
		Puesto       string `db:"puesto"`
		Mesa         string `db:"mesa"`
		Flagged      bool   `db:"flagged"`
	}
	if err := q.All(&rows); err != nil {
		return fmt.Errorf("coverage reports: %w", err)
	}
	for _, r := range rows { // the latest report of a mesa comes last and stands
		if m, ok := byKey[keyOf(r.Departamento, r.Municipio, r.Puesto, r.Mesa)]; ok {
			m.E14Reported, m.E14Flagged = true, r.Flagged
		}
	}
	return nil
}
