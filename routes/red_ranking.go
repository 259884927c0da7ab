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

// RankedNode is a node, the value it is ranked by, and its place in the
// tree, so the web app can open the branches down to it.
type RankedNode struct {
	*tree.Node
	Value float64 `json:"value"`
	// Path is the ids from the caller (a superuser: the tree's root) down
	// to the person, both included, as search hits give it.
	Path []string `json:"path"`
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
		out, err := r.ranking(e.App, who, rec.Id, by, value, page, perPage)
		if err != nil {
			return e.InternalServerError("No pudimos calcular la clasificación.", err)
		}
		return e.JSON(http.StatusOK, out)
	}).Bind(apis.BodyLimit(readBodyLimit))
}

// ranking is a page of the leaders and coordinators below top (as the
// users list rule shows them to who), best value first, then by name.
func (r redAPI) ranking(app core.App, who caller, top, by string, value func(*tree.Node) float64, page, perPage int) (*redPage[RankedNode], error) {
	counted, err := countersAnswer(app, who)
	if err != nil {
		return nil, err
	}
	if counted {
		return r.rankingCounted(app, who, top, by, value, page, perPage)
	}
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
	return out, withPaths(app, who, out.Items)
}

// withPaths fills each item's Path in one query: the person's ancestors
// up to the caller (a superuser: up to the root), farthest first.
func withPaths(app core.App, who caller, items []RankedNode) error {
	if len(items) == 0 {
		return nil
	}
	ids := make([]any, len(items))
	for i, it := range items {
		ids[i] = it.ID
	}
	q := app.DB().Select("n.descendant", "n.ancestor").From(schema.NetworkCollection+" n").
		Where(dbx.In("n.descendant", ids...)).OrderBy("n.descendant", "n.depth DESC")
	if !who.superuser {
		q.AndWhere(dbx.NewExp("n.depth <= (SELECT t.depth FROM {{"+schema.NetworkCollection+
			"}} t WHERE t.descendant = n.descendant AND t.ancestor = {:top})", dbx.Params{"top": who.id}))
	}
	var rows []struct {
		Descendant string `db:"descendant"`
		Ancestor   string `db:"ancestor"`
	}
	if err := q.All(&rows); err != nil {
		return fmt.Errorf("paths to the ranked: %w", err)
	}
	paths := map[string][]string{}
	for _, r := range rows {
		paths[r.Descendant] = append(paths[r.Descendant], r.Ancestor)
	}
	for i := range items {
		items[i].Path = paths[items[i].ID]
		if items[i].Path == nil {
			items[i].Path = []string{}
		}
	}
	return nil
}

// rankedSQL is each ranking's value as SQL over the tree's counters, for a
// users row u; the same numbers rankings compute from a node.
var rankedSQL = map[string]string{
	"size":   "(SELECT coalesce(sum(total), 0) FROM " + tree.CountsTable + " WHERE node = u.id)",
	"able":   "(SELECT coalesce(sum(habilitados), 0) FROM " + tree.CountsTable + " WHERE node = u.id)",
	"growth": "(SELECT coalesce(sum(n), 0) FROM " + tree.DaysTable + " WHERE node = u.id AND day >= {:since})",
	"goal": "CASE WHEN u.subtree_goal > 0 THEN round((SELECT coalesce(sum(total), 0) FROM " + tree.CountsTable +
		" WHERE node = u.id) * 1000.0 / u.subtree_goal) / 10.0 WHEN u.referral_goal > 0 THEN round((SELECT coalesce(sum(total), 0) FROM " +
		tree.CountsTable + " WHERE node = u.id AND depth = 1) * 1000.0 / u.referral_goal) / 10.0 ELSE 0 END",
}

// rankingCounted is ranking when the counters answer for the rules
// (countersAnswer): the leaders below top are ordered by their counters,
// best first from the top down for the rankings that allow it
// (rankBestFirst) or else in SQL over the subtree, and only the page's
// nodes are built.
func (r redAPI) rankingCounted(app core.App, who caller, top, by string, value func(*tree.Node) float64, page, perPage int) (*redPage[RankedNode], error) {
	from := func() *dbx.SelectQuery {
		return app.DB().Select().From(schema.NetworkCollection+" n").
			InnerJoin(schema.UsersCollection+" u", dbx.NewExp("u.id = n.descendant")).
			Where(dbx.HashExp{"n.ancestor": top}).AndWhere(dbx.NewExp("n.depth > 0")).
			AndWhere(dbx.In("u.role", schema.RoleLeader, schema.RoleCoordinator))
	}
	size, err := tree.CountBelow(app, top)
	if err != nil {
		return nil, err
	}
	total, err := tree.LeadersBelow(app, top)
	if err != nil {
		return nil, err
	}
	since, offset := tree.SinceDay(r.now()), (page-1)*perPage
	ids, best := []string(nil), false
	if rankDownward[by] {
		if ids, best, err = rankBestFirst(app, top, by, since, offset+perPage, size/rankBudgetShare); err != nil {
			return nil, err
		}
		ids = ids[min(offset, len(ids)):]
	}
	if !best {
		err = from().Select("u.id", rankedSQL[by]+" AS value").
			OrderBy("value DESC", "u.name", "u.id").Offset(int64(offset)).Limit(int64(perPage)).
			Bind(dbx.Params{"since": since}).Column(&ids)
		if err != nil {
			return nil, fmt.Errorf("rank leaders below %s: %w", top, err)
		}
	}
	nodes, err := tree.Nodes(app, ids, r.now())
	if err != nil {
		return nil, err
	}
	out := &redPage[RankedNode]{Page: page, PerPage: perPage, TotalItems: total, Items: make([]RankedNode, 0, len(ids))}
	for _, id := range ids {
		if n := nodes[id]; n != nil {
			out.Items = append(out.Items, RankedNode{Node: n, Value: value(n)})
		}
	}
	return out, withPaths(app, who, out.Items)
}
