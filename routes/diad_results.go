package routes

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"github.com/padron/padron/schema"
)

// GET /api/dia-d/results: the E-14 counts the caller may read (the
// e14_reports rule: the testigo and those above them), one report per mesa
// (the latest live one: a correction replaces, it does not add), summed for
// the whole campaign, by municipio and by puesto, each with how many mesas
// reported of those the caller's testigos cover.

// resultCount is a sum of E-14 counts over some mesas.
type resultCount struct {
	// Options are the election's options in ballot order, each with its votes.
	Options   []optionVotes `json:"options"`
	Blank     int           `json:"blank"`
	NullVotes int           `json:"null_votes"`
	Unmarked  int           `json:"unmarked"`
	Total     int           `json:"total"`
	// Reported is how many mesas' E-14 are summed here, Covered how many
	// mesas have a testigo the caller may see, Flagged how many of the
	// summed reports do not add up.
	Reported int `json:"mesas_reported"`
	Covered  int `json:"mesas_covered"`
	Flagged  int `json:"flagged"`
}

// optionVotes is one option's votes.
type optionVotes struct {
	Option string `json:"option"`
	Votes  int    `json:"votes"`
}

// resultGroup is a resultCount of one place.
type resultGroup struct {
	Departamento string `json:"departamento"`
	Municipio    string `json:"municipio"`
	Puesto       string `json:"puesto,omitempty"`
	resultCount
}

// resultMesa is the report that stands for one mesa.
type resultMesa struct {
	ID           string `json:"id"`
	Departamento string `json:"departamento"`
	Municipio    string `json:"municipio"`
	Puesto       string `json:"puesto"`
	Mesa         string `json:"mesa"`
	TestigoName  string `json:"testigo_name"`
	Flagged      bool   `json:"flagged"`
	FlagReason   string `json:"flag_reason"`
	Photo        string `json:"photo"`
	Reported     string `json:"reported_at"`
	resultCount
}

// e14Row is a live E-14 as the results read it.
type e14Row struct {
	ID           string `db:"id"`
	Departamento string `db:"departamento"`
	Municipio    string `db:"municipio"`
	Puesto       string `db:"puesto"`
	Mesa         string `db:"mesa"`
	Votes        string `db:"votes"`
	Blank        int    `db:"blank"`
	NullVotes    int    `db:"null_votes"`
	Unmarked     int    `db:"unmarked"`
	Total        int    `db:"total"`
	Flagged      bool   `db:"flagged"`
	FlagReason   string `db:"flag_reason"`
	Photo        string `db:"photo"`
	Created      string `db:"created"`
	TestigoName  string `db:"testigo_name"`
}

func bindDiaDResults(se *core.ServeEvent) {
	se.Router.GET("/api/dia-d/results", func(e *core.RequestEvent) error {
		who, election, err := leaderElection(e)
		if err != nil {
			return err
		}
		res, err := diadResults(e.App, who, election, placeFilterOf(e))
		if err != nil {
			return e.InternalServerError("No pudimos sumar los resultados.", err)
		}
		return e.JSON(http.StatusOK, res)
	}).Bind(apis.BodyLimit(readBodyLimit))
}

// diadResults sums the E-14 reports who may read in election.
func diadResults(app core.App, who caller, election *core.Record, filter placeFilter) (map[string]any, error) {
	var options []string
	_ = json.Unmarshal([]byte(election.GetString("options")), &options)

	col, err := app.FindCachedCollectionByNameOrId(schema.E14Collection)
	if err != nil {
		return nil, fmt.Errorf("collection e14_reports: %w", err)
	}
	n := col.Name
	q := app.RecordQuery(col).
		Select(n+".id", n+".departamento", n+".municipio", n+".puesto", n+".mesa", n+".votes", n+".blank",
			n+".null_votes", n+".unmarked", n+".total", n+".flagged", n+".flag_reason", n+".photo", n+".created",
			"(SELECT COALESCE(u.name, '') FROM "+schema.TestigosCollection+" t LEFT JOIN "+schema.UsersCollection+
				" u ON u.id = t.user WHERE t.id = "+n+".testigo) AS testigo_name").
		AndWhere(dbx.HashExp{n + ".election": election.Id, n + ".status": "live"}).
		OrderBy(n+".created DESC", n+".rowid DESC")
	if err := who.applyRule(app, q, col, col.ListRule); err != nil {
		return nil, err
	}
	var rows []e14Row
	if err := q.All(&rows); err != nil {
		return nil, fmt.Errorf("results reports: %w", err)
	}

	// One report per mesa: the newest live one (a mesa whose testigo was
	// replaced may hold the old testigo's report and the new one's).
	seen := map[mesaKey]bool{}
	var mesas []resultMesa
	for _, r := range rows {
		k := keyOf(r.Departamento, r.Municipio, r.Puesto, r.Mesa)
		if seen[k] || !filter.keeps(k) {
			continue
		}
		seen[k] = true
		mesas = append(mesas, resultMesa{
			ID: r.ID, Departamento: k.departamento, Municipio: k.municipio, Puesto: k.puesto, Mesa: k.mesa,
			TestigoName: r.TestigoName, Flagged: r.Flagged, FlagReason: r.FlagReason, Photo: r.Photo, Reported: r.Created,
			resultCount: countOf(options, r),
		})
	}
	slices.SortFunc(mesas, func(a, b resultMesa) int {
		return cmp.Or(cmp.Compare(a.Departamento, b.Departamento), cmp.Compare(a.Municipio, b.Municipio),
			cmp.Compare(a.Puesto, b.Puesto), compareMesa(a.Mesa, b.Mesa))
	})

	covered, err := coveredMesas(app, who, election.Id, filter)
	if err != nil {
		return nil, err
	}
	total := resultCount{Options: zeroOptions(options)}
	byMunicipio, byPuesto := map[mesaKey]*resultGroup{}, map[mesaKey]*resultGroup{}
	group := func(groups map[mesaKey]*resultGroup, k mesaKey) *resultGroup {
		g, ok := groups[k]
		if !ok {
			g = &resultGroup{Departamento: k.departamento, Municipio: k.municipio, Puesto: k.puesto,
				resultCount: resultCount{Options: zeroOptions(options)}}
			groups[k] = g
		}
		return g
	}
	for k := range covered {
		total.Covered++
		group(byMunicipio, mesaKey{departamento: k.departamento, municipio: k.municipio}).Covered++
		group(byPuesto, mesaKey{departamento: k.departamento, municipio: k.municipio, puesto: k.puesto}).Covered++
	}
	for _, m := range mesas {
		total.add(m.resultCount)
		group(byMunicipio, mesaKey{departamento: m.Departamento, municipio: m.Municipio}).add(m.resultCount)
		group(byPuesto, mesaKey{departamento: m.Departamento, municipio: m.Municipio, puesto: m.Puesto}).add(m.resultCount)
	}
	if mesas == nil {
		mesas = []resultMesa{}
	}
	return map[string]any{
		"election":     map[string]any{"id": election.Id, "name": election.GetString("name"), "options": options},
		"total":        total,
		"by_municipio": sortedGroups(byMunicipio),
		"by_puesto":    sortedGroups(byPuesto),
		"mesas":        mesas,
	}, nil
}

// coveredMesas are the mesas of the live testigos the caller may see.
func coveredMesas(app core.App, who caller, election string, filter placeFilter) (map[mesaKey]bool, error) {
	col, err := app.FindCachedCollectionByNameOrId(schema.TestigosCollection)
	if err != nil {
		return nil, fmt.Errorf("collection testigos: %w", err)
	}
	n := col.Name
	q := app.RecordQuery(col).Select(n+".departamento", n+".municipio", n+".puesto", n+".mesa").
		AndWhere(dbx.HashExp{n + ".election": election, n + ".status": "live"})
	if err := who.applyRule(app, q, col, col.ListRule); err != nil {
		return nil, err
	}
	var rows []struct {
		Departamento string `db:"departamento"`
		Municipio    string `db:"municipio"`
		Puesto       string `db:"puesto"`
		Mesa         string `db:"mesa"`
	}
	if err := q.All(&rows); err != nil {
		return nil, fmt.Errorf("results testigos: %w", err)
	}
	out := map[mesaKey]bool{}
	for _, r := range rows {
		if k := keyOf(r.Departamento, r.Municipio, r.Puesto, r.Mesa); filter.keeps(k) {
			out[k] = true
		}
	}
	return out, nil
}

// countOf is one report's counts, its votes in the options' order (a vote
// for an option the election no longer lists is left out).
func countOf(options []string, r e14Row) resultCount {
	var votes map[string]int
	_ = json.Unmarshal([]byte(r.Votes), &votes)
	c := resultCount{Options: zeroOptions(options), Blank: r.Blank, NullVotes: r.NullVotes, Unmarked: r.Unmarked,
		Total: r.Total, Reported: 1}
	for i := range c.Options {
		c.Options[i].Votes = votes[c.Options[i].Option]
	}
	if r.Flagged {
		c.Flagged = 1
	}
	return c
}

func zeroOptions(options []string) []optionVotes {
	out := make([]optionVotes, len(options))
	for i, o := range options {
		out[i].Option = o
	}
	return out
}

// add sums o into c (both over the same options); Covered is counted apart.
func (c *resultCount) add(o resultCount) {
	for i := range c.Options {
		c.Options[i].Votes += o.Options[i].Votes
	}
	c.Blank += o.Blank
	c.NullVotes += o.NullVotes
	c.Unmarked += o.Unmarked
	c.Total += o.Total
	c.Reported += o.Reported
	c.Flagged += o.Flagged
}

// sortedGroups lists groups by place.
func sortedGroups(groups map[mesaKey]*resultGroup) []resultGroup {
	out := make([]resultGroup, 0, len(groups))
	for _, g := range groups {
		out = append(out, *g)
	}
	slices.SortFunc(out, func(a, b resultGroup) int {
		return cmp.Or(cmp.Compare(a.Departamento, b.Departamento), cmp.Compare(a.Municipio, b.Municipio),
			cmp.Compare(a.Puesto, b.Puesto))
	})
	return out
}
