package routes

import (
	"fmt"
	"net/http"
	"sort"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"github.com/padron/padron/census"
	"github.com/padron/padron/schema"
	"github.com/padron/padron/tree"
)

// readBodyLimit caps the body of the GET endpoints: they take none.
const readBodyLimit = 1 << 10

// PlaceCount is how many referidos vote in one place; fields finer than the
// grouping are left out.
type PlaceCount struct {
	Departamento string `json:"departamento"`
	Municipio    string `json:"municipio,omitempty"`
	Puesto       string `json:"puesto,omitempty"`
	Count        int    `json:"count"`
}

// Goal is the referral goal progress of one leader.
type Goal struct {
	Goal     int `json:"goal"`
	Referred int `json:"referred"`
	// Percent is Referred/Goal in percent, capped at 100; 100 when Goal is 0.
	Percent float64 `json:"percent"`
}

// ReferidosStats is what a leader sees of their network (a superuser: of
// everyone, with Leaders filled in). Places are sorted by count, largest
// first; records without an answer yet count under an empty departamento.
type ReferidosStats struct {
	Total          int            `json:"total"`
	ByStatus       map[string]int `json:"by_status"`
	ByDepartamento []PlaceCount   `json:"by_departamento"`
	ByMunicipio    []PlaceCount   `json:"by_municipio"`
	ByPuesto       []PlaceCount   `json:"by_puesto"`
	// Goal is the caller's own progress (leaders only).
	Goal *Goal `json:"goal,omitempty"`
	// Leaders is every referrer's progress and statuses (superusers only).
	Leaders []LeaderStats `json:"leaders,omitempty"`
}

// LeaderStats is one referrer's line in a superuser's stats.
type LeaderStats struct {
	ID       string         `json:"id"`
	Name     string         `json:"name"`
	Goal     Goal           `json:"goal"`
	ByStatus map[string]int `json:"by_status"`
}

func bindReferidosStats(se *core.ServeEvent) {
	se.Router.GET("/api/referidos/stats", func(e *core.RequestEvent) error {
		who, err := requireLeader(e)
		if err != nil {
			return err
		}
		stats, err := referidosStats(e.App, who, "")
		if err != nil {
			return e.InternalServerError("No pudimos calcular las estadísticas.", err)
		}
		return e.JSON(http.StatusOK, stats)
	}).Bind(apis.BodyLimit(readBodyLimit))
}

// referidosStats counts who's referidos (as the collections' list rules
// show them; everyone for a superuser) in one grouped query; with under,
// only those below that person in the network, with under's subtree goal.
func referidosStats(app core.App, who caller, under string) (*ReferidosStats, error) {
	rows, err := statsRows(app, who, under)
	if err != nil {
		return nil, err
	}
	out := &ReferidosStats{ByStatus: zeroStatuses()}
	dep := map[PlaceCount]int{}
	mun := map[PlaceCount]int{}
	pue := map[PlaceCount]int{}
	for _, r := range rows {
		out.Total += r.N
		out.ByStatus[r.Status] += r.N
		dep[PlaceCount{Departamento: r.Departamento}] += r.N
		mun[PlaceCount{Departamento: r.Departamento, Municipio: r.Municipio}] += r.N
		pue[PlaceCount{Departamento: r.Departamento, Municipio: r.Municipio, Puesto: r.Puesto}] += r.N
	}
	out.ByDepartamento, out.ByMunicipio, out.ByPuesto = sorted(dep), sorted(mun), sorted(pue)

	if under != "" {
		node, err := app.FindRecordById(schema.UsersCollection, under)
		if err != nil {
			return nil, fmt.Errorf("load node %s: %w", under, err)
		}
		g := progress(node.GetInt("subtree_goal"), out.Total)
		out.Goal = &g
		return out, nil
	}
	if who.superuser {
		leaders, err := leaderStats(app)
		if err != nil {
			return nil, err
		}
		out.Leaders = leaders
		return out, nil
	}
	me, err := app.FindRecordById(schema.UsersCollection, who.id)
	if err != nil {
		return nil, fmt.Errorf("load leader %s: %w", who.id, err)
	}
	g := progress(me.GetInt("referral_goal"), out.Total)
	out.Goal = &g
	return out, nil
}

// statsRow is one group of a stats query: people with one status in one place.
type statsRow struct {
	Status       string `db:"status"`
	Departamento string `db:"departamento"`
	Municipio    string `db:"municipio"`
	Puesto       string `db:"puesto"`
	N            int    `db:"n"`
}

// statsRows groups who's referidos (below under, when set) by status and
// place: from the tree's counters when they answer for the rules
// (countersAnswer), else in one query with both rules built in.
func statsRows(app core.App, who caller, under string) ([]statsRow, error) {
	if under != "" {
		ok, err := countersAnswer(app, who)
		if err != nil {
			return nil, err
		}
		if ok {
			places, err := tree.Places(app, under)
			if err != nil {
				return nil, err
			}
			rows := make([]statsRow, len(places))
			for i, p := range places {
				rows[i] = statsRow(p)
			}
			return rows, nil
		}
	}
	q, err := who.referidos(app)
	if err != nil {
		return nil, err
	}
	if under != "" {
		inSubtree(q, under, false)
	}
	count := "count(*) AS n"
	if q.Info().Distinct {
		count = "count(DISTINCT users.id) AS n" // a rule's join may repeat a person
	}
	place := []string{"cedula_info.status", "cedula_info.departamento", "cedula_info.municipio", "cedula_info.puesto"}
	q.Select(append(place, count)...).GroupBy(place...)
	var rows []statsRow
	if err := q.All(&rows); err != nil {
		return nil, fmt.Errorf("group referidos: %w", err)
	}
	return rows, nil
}

// leaderStats is every leader's (and every former leader's with referidos)
// progress, by name.
func leaderStats(app core.App) ([]LeaderStats, error) {
	var counts []struct {
		Leader string `db:"referred_by"`
		Status string `db:"status"`
		N      int    `db:"n"`
	}
	err := app.DB().Select("u.referred_by", "ci.status", "count(*) AS n").
		From(schema.UsersCollection+" u").
		InnerJoin(schema.CedulaInfoCollection+" ci", dbx.NewExp("ci.user = u.id")).
		Where(dbx.NewExp("u.referred_by != ''")).
		GroupBy("u.referred_by", "ci.status").All(&counts)
	if err != nil {
		return nil, fmt.Errorf("group by leader: %w", err)
	}
	var people []struct {
		ID   string `db:"id"`
		Name string `db:"name"`
		Goal int    `db:"referral_goal"`
	}
	err = app.DB().Select("id", "name", "referral_goal").From(schema.UsersCollection).
		Where(dbx.Or(
			dbx.HashExp{"role": schema.RoleLeader},
			dbx.NewExp("id IN (SELECT DISTINCT referred_by FROM "+schema.UsersCollection+" WHERE referred_by != '')"),
		)).OrderBy("name", "id").All(&people)
	if err != nil {
		return nil, fmt.Errorf("load leaders: %w", err)
	}
	byLeader := map[string]map[string]int{}
	totals := map[string]int{}
	for _, c := range counts {
		if byLeader[c.Leader] == nil {
			byLeader[c.Leader] = zeroStatuses()
		}
		byLeader[c.Leader][c.Status] += c.N
		totals[c.Leader] += c.N
	}
	out := make([]LeaderStats, 0, len(people))
	for _, p := range people {
		st := byLeader[p.ID]
		if st == nil {
			st = zeroStatuses()
		}
		out = append(out, LeaderStats{ID: p.ID, Name: p.Name, Goal: progress(p.Goal, totals[p.ID]), ByStatus: st})
	}
	return out, nil
}

func progress(goal, referred int) Goal {
	g := Goal{Goal: goal, Referred: referred, Percent: 100}
	if goal > 0 {
		g.Percent = min(100, float64(int(float64(referred)*1000/float64(goal)))/10)
	}
	return g
}

func zeroStatuses() map[string]int {
	m := make(map[string]int, len(census.Statuses))
	for _, s := range census.Statuses {
		m[s] = 0
	}
	return m
}

func sorted(m map[PlaceCount]int) []PlaceCount {
	out := make([]PlaceCount, 0, len(m))
	for k, n := range m {
		k.Count = n
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		if a.Departamento != b.Departamento {
			return a.Departamento < b.Departamento
		}
		if a.Municipio != b.Municipio {
			return a.Municipio < b.Municipio
		}
		return a.Puesto < b.Puesto
	})
	return out
}
