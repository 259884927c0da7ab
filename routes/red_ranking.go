package routes

import (
	"fmt"
	"math"
	"net/http"
	"sort"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"github.com/padron/padron/schema"
	"github.com/padron/padron/tree"
)

// RankedNode is a node and the value it is ranked by.
type RankedNode struct {
	*tree.Node
	Value float64 `json:"value"`
}

// rankings are the ways to rank leaders, each a node's value.
var rankings = map[string]func(n *tree.Node) float64{
	"size":   func(n *tree.Node) float64 { return float64(n.SubtreeCount) },
	"able":   func(n *tree.Node) float64 { return float64(n.Census.Habilitados) },
	"growth": func(n *tree.Node) float64 { return float64(n.Joined7d) },
	"goal":   goalPercent,
}

// goalPercent is progress toward the subtree goal, else toward the direct
// referral goal, in percent (one decimal, uncapped); 0 without a goal.
func goalPercent(n *tree.Node) float64 {
	switch {
	case n.SubtreeGoal > 0:
		return math.Round(float64(n.SubtreeCount)*1000/float64(n.SubtreeGoal)) / 10
	case n.ReferralGoal > 0:
		return math.Round(float64(n.DirectCount)*1000/float64(n.ReferralGoal)) / 10
	}
	return 0
}

func (r redAPI) bindRanking(se *core.ServeEvent) {
	se.Router.GET("/api/red/nodes/{id}/ranking", func(e *core.RequestEvent) error {
		who, rec, err := leaderNode(e)
		if err != nil {
			return err
		}
		by := e.Request.URL.Query().Get("by")
		if by == "" {
			by = "size"
		}
		value, ok := rankings[by]
		if !ok {
			return apiError(http.StatusBadRequest, "invalid_ranking", `El orden debe ser "size", "able", "growth" o "goal".`, nil)
		}
		page, perPage := pageParams(e)
		out, err := r.ranking(e.App, who, rec.Id, value, page, perPage)
		if err != nil {
			return e.InternalServerError("No pudimos calcular la clasificación.", err)
		}
		return e.JSON(http.StatusOK, out)
	}).Bind(apis.BodyLimit(readBodyLimit))
}

// ranking is a page of the leaders and coordinators below top (as the
// users list rule shows them to who), best value first, then by name.
func (r redAPI) ranking(app core.App, who caller, top string, value func(*tree.Node) float64, page, perPage int) (*redPage[RankedNode], error) {
	users, err := app.FindCachedCollectionByNameOrId(schema.UsersCollection)
	if err != nil {
		return nil, fmt.Errorf("collection users: %w", err)
	}
	q := app.DB().Select("users.id").Distinct(true).From(users.Name).
		AndWhere(dbx.In("users.role", schema.RoleLeader, schema.RoleCoordinator))
	inSubtree(q, top, false)
	if err := who.applyRule(app, q, users, users.ListRule); err != nil {
		return nil, err
	}
	var ids []string
	if err := q.Column(&ids); err != nil {
		return nil, fmt.Errorf("leaders below %s: %w", top, err)
	}
	nodes, err := tree.Nodes(app, ids, r.now())
	if err != nil {
		return nil, err
	}
	all := make([]RankedNode, 0, len(nodes))
	for _, n := range nodes {
		all = append(all, RankedNode{Node: n, Value: value(n)})
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].Value != all[j].Value {
			return all[i].Value > all[j].Value
		}
		if all[i].Name != all[j].Name {
			return all[i].Name < all[j].Name
		}
		return all[i].ID < all[j].ID
	})
	out := &redPage[RankedNode]{Page: page, PerPage: perPage, TotalItems: len(all), Items: []RankedNode{}}
	if from := (page - 1) * perPage; from < len(all) {
		out.Items = all[from:min(from+perPage, len(all))]
	}
	return out, nil
}
