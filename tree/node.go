package tree

import (
	"fmt"
	"slices"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/padron/padron/census"
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

func (c *Census) add(status string, n int) {
	switch {
	case status == census.StatusActive:
		c.Habilitados += n
	case census.IsAnswer(status):
		c.Novedad += n
	case census.IsInFlight(status):
		c.Pendientes += n
	case slices.Contains(census.Failed, status):
		c.Problemas += n
	}
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
	// Joined7d is how many people below registered in the last 7 days.
	Joined7d int `json:"joined_7d"`
}

// GrowthWindow is the span Node.Joined7d counts.
const GrowthWindow = 7 * 24 * time.Hour

// Nodes computes the nodes of ids (unknown ids are left out) as of now,
// in two queries whatever their number: the people, and their subtrees'
// counts grouped by depth and census status.
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
		Top    string `db:"ancestor"`
		Depth  int    `db:"depth"`
		Status string `db:"status"`
		N      int    `db:"n"`
		Recent int    `db:"recent"`
	}
	err = app.DB().Select("n.ancestor", "n.depth", "ci.status", "count(*) AS n",
		"sum(u.created >= {:since}) AS recent").
		From(schema.NetworkCollection+" n").
		InnerJoin(schema.UsersCollection+" u", dbx.NewExp("u.id = n.descendant")).
		LeftJoin(schema.CedulaInfoCollection+" ci", dbx.NewExp("ci.user = n.descendant")).
		Where(dbx.In("n.ancestor", args...)).AndWhere(dbx.NewExp("n.depth > 0")).
		GroupBy("n.ancestor", "n.depth", "ci.status").
		Bind(dbx.Params{"since": since(now)}).
		All(&counts)
	if err != nil {
		return nil, fmt.Errorf("count subtrees: %w", err)
	}
	for _, c := range counts {
		n := out[c.Top]
		if n == nil {
			continue
		}
		for len(n.Levels) < c.Depth {
			n.Levels = append(n.Levels, 0)
		}
		n.Levels[c.Depth-1] += c.N
		n.SubtreeCount += c.N
		n.Joined7d += c.Recent
		n.Census.add(c.Status, c.N)
	}
	for _, n := range out {
		if len(n.Levels) > 0 {
			n.DirectCount = n.Levels[0]
		}
	}
	return out, nil
}

// since is the start of the growth window ending at now, as stored dates read.
func since(now time.Time) string {
	dt, _ := types.ParseDateTime(now.Add(-GrowthWindow).UTC())
	return dt.String()
}
