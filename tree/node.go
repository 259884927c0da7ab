package tree

import (
	"fmt"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/padron/padron/schema"
)

// Census is a subtree's census breakdown, in the web app's four groups.
type Census struct {
	// Habilitados may vote (census.StatusActive).
	Habilitados int `json:"habilitados"`
	// Novedad got another answer: not found or cancelled.
	Novedad int `json:"novedad"`
	// Pendientes are queued or being checked (census.InFlight).
	Pendientes int `json:"pendientes"`
	// Problemas are checks that failed (census.Failed).
	Problemas int `json:"problemas"`
}

// Node is what every red endpoint says of a person: who they are and the
// totals of the people below them.
type Node struct {
	ID             string         `json:"id"`
	Name           string         `json:"name"`
	Role           string         `json:"role"`
	Created        types.DateTime `json:"created"`
	ReferredBy     string         `json:"referred_by"`
	ReferredByName string         `json:"referred_by_name"`
	// DirectCount is how many people this person referred.
	DirectCount int `json:"direct_count"`
	// SubtreeCount is how many people are below at any depth.
	SubtreeCount int `json:"subtree_count"`
	// Levels[i] is how many people are i+1 levels below.
	Levels []int `json:"levels"`
	// Census is the subtree's census breakdown; nil (null) when the caller
	// may not see census data (a member's own node).
	Census       *Census `json:"census"`
	ReferralGoal int     `json:"referral_goal"`
	SubtreeGoal  int     `json:"subtree_goal"`
	// Joined7d is how many people below registered in the last 7 UTC
	// days, today included (GrowthDays).
	Joined7d int `json:"joined_7d"`
}

// GrowthDays is the span Node.Joined7d counts, in whole UTC days (today
// included), the granularity of the days counters.
const GrowthDays = 7

// Nodes computes the nodes of ids (unknown ids are left out) as of now,
// in three queries whatever their number and the size of their subtrees:
// the people, their counters per level, and their counters per day.
func Nodes(app core.App, ids []string, now time.Time) (map[string]*Node, error) {
	out := make(map[string]*Node, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	var people []struct {
		ID           string         `db:"id"`
		Name         string         `db:"name"`
		Role         string         `db:"role"`
		Created      types.DateTime `db:"created"`
		ReferredBy   string         `db:"referred_by"`
		RefName      *string        `db:"ref_name"`
		ReferralGoal int            `db:"referral_goal"`
		SubtreeGoal  int            `db:"subtree_goal"`
	}
	err := app.DB().Select("u.id", "u.name", "u.role", "u.created", "u.referred_by", "r.name AS ref_name", "u.referral_goal", "u.subtree_goal").
		From(schema.UsersCollection+" u").
		LeftJoin(schema.UsersCollection+" r", dbx.NewExp("r.id = u.referred_by")).
		Where(dbx.In("u.id", args...)).All(&people)
	if err != nil {
		return nil, fmt.Errorf("load nodes: %w", err)
	}
	for _, p := range people {
		n := &Node{
			ID: p.ID, Name: p.Name, Role: p.Role, Created: p.Created, ReferredBy: p.ReferredBy,
			ReferralGoal: p.ReferralGoal, SubtreeGoal: p.SubtreeGoal, Levels: []int{}, Census: &Census{},
		}
		if p.RefName != nil {
			n.ReferredByName = *p.RefName
		}
		out[p.ID] = n
	}

	var counts []struct {
		Node        string `db:"node"`
		Depth       int    `db:"depth"`
		Total       int    `db:"total"`
		Habilitados int    `db:"habilitados"`
		Novedad     int    `db:"novedad"`
		Pendientes  int    `db:"pendientes"`
		Problemas   int    `db:"problemas"`
	}
	err = app.DB().Select("node", "depth", "total", "habilitados", "novedad", "pendientes", "problemas").
		From(CountsTable).Where(dbx.In("node", args...)).AndWhere(dbx.NewExp("total > 0")).
		OrderBy("node", "depth").All(&counts)
	if err != nil {
		return nil, fmt.Errorf("count subtrees: %w", err)
	}
	for _, c := range counts {
		n := out[c.Node]
		if n == nil {
			continue
		}
		for len(n.Levels) < c.Depth {
			n.Levels = append(n.Levels, 0)
		}
		n.Levels[c.Depth-1] += c.Total
		n.SubtreeCount += c.Total
		n.Census.Habilitados += c.Habilitados
		n.Census.Novedad += c.Novedad
		n.Census.Pendientes += c.Pendientes
		n.Census.Problemas += c.Problemas
	}
	var days []struct {
		Node string `db:"node"`
		N    int    `db:"n"`
	}
	err = app.DB().Select("node", "sum(n) AS n").From(DaysTable).
		Where(dbx.In("node", args...)).AndWhere(dbx.NewExp("day >= {:since}", dbx.Params{"since": SinceDay(now)})).
		GroupBy("node").All(&days)
	if err != nil {
		return nil, fmt.Errorf("growth of subtrees: %w", err)
	}
	for _, d := range days {
		if n := out[d.Node]; n != nil {
			n.Joined7d = d.N
		}
	}
	for _, n := range out {
		if len(n.Levels) > 0 {
			n.DirectCount = n.Levels[0]
		}
	}
	return out, nil
}

// SinceDay is the first UTC day of the growth window ending at now (the
// day keys of DaysTable): today and the GrowthDays-1 days before.
func SinceDay(now time.Time) string {
	return now.UTC().AddDate(0, 0, -(GrowthDays - 1)).Format(time.DateOnly)
}

// Place is how many people below a node have one census status in one
// place (the counters of PlacesTable).
type Place struct {
	Status       string `db:"status"`
	Departamento string `db:"departamento"`
	Municipio    string `db:"municipio"`
	Puesto       string `db:"puesto"`
	N            int    `db:"n"`
}

// Places is everyone below id (id excluded) who has a census record, by
// status and place, read from the counters whatever the subtree's size.
func Places(app core.App, id string) ([]Place, error) {
	var out []Place
	err := app.DB().Select("status", "departamento", "municipio", "puesto", "n").From(PlacesTable).
		Where(dbx.HashExp{"node": id}).AndWhere(dbx.NewExp("n > 0")).All(&out)
	if err != nil {
		return nil, fmt.Errorf("places below %s: %w", id, err)
	}
	return out, nil
}
