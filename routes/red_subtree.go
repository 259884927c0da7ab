package routes

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"github.com/padron/padron/schema"
	"github.com/padron/padron/tree"
)

// GET /api/red/nodes/{id}/subtree is a leader's page of everyone below a
// node, newest first, as users records (the shape of PocketBase's list
// API, expand included): what GET /api/collections/users/records with
// filter "id != node" answers a leader about their own subtree, without its
// cost. PocketBase's list makes the users rule's closure join DISTINCT over
// whole rows, so a page of 50 sorted and deduplicated the leader's whole
// subtree (284 ms p95 at 15,644 below on 200,000 people). Here, under the
// shipped rules (countersAnswer), the ids come from one of two plans chosen
// by the counters (subtreePage); under rules rewritten in the DB, from the users
// list rule itself, as the red endpoints do. With a search, a filter or
// another order (red_subtree_query.go) the page joins the census records.

func (r redAPI) bindSubtree(se *core.ServeEvent) {
	se.Router.GET("/api/red/nodes/{id}/subtree", func(e *core.RequestEvent) error {
		who, rec, err := leaderNode(e)
		if err != nil {
			return err
		}
		sq, err := parseSubtreeQuery(e)
		if err != nil {
			return err
		}
		page, perPage := pageParams(e)
		offset, err := subtreeOffset(e, page, perPage)
		if err != nil {
			return err
		}
		page = offset/perPage + 1
		var ids []string
		var total int
		if sq.newestFirst() {
			ids, total, err = subtreePage(e.App, who, rec.Id, offset, perPage)
		} else {
			ids, total, err = queriedSubtreePage(e.App, who, rec.Id, sq, offset, perPage)
		}
		if err != nil {
			return e.InternalServerError("No pudimos cargar la red.", err)
		}
		records, err := e.App.FindRecordsByIds(schema.UsersCollection, ids)
		if err != nil {
			return e.InternalServerError("No pudimos cargar la red.", err)
		}
		slices.SortFunc(records, func(a, b *core.Record) int {
			return slices.Index(ids, a.Id) - slices.Index(ids, b.Id)
		})
		if err := apis.EnrichRecords(e, records); err != nil {
			return e.InternalServerError("No pudimos cargar la red.", err)
		}
		return e.JSON(http.StatusOK, redPage[*core.Record]{Page: page, PerPage: perPage, TotalItems: total, Items: records})
	}).Bind(apis.BodyLimit(readBodyLimit))
}

// subtreeOffsetMax bounds offset: far beyond any subtree, short of
// overflowing offset+perPage.
const subtreeOffsetMax = 10_000_000

// subtreeOffset is how many rows the page skips: offset when given (a
// client holding rows asks for the next ones from how many it holds, so a
// person deleted meanwhile, whose row it dropped, does not make it skip
// one, as the page after its last would), else the rows of the pages
// before page.
func subtreeOffset(e *core.RequestEvent, page, perPage int) (int, error) {
	v := e.Request.URL.Query().Get("offset")
	if v == "" {
		return (page - 1) * perPage, nil
	}
	offset, err := strconv.Atoi(v)
	if err != nil || offset < 0 || offset > subtreeOffsetMax {
		return 0, apiError(http.StatusBadRequest, "invalid_query", "«offset» es un número entero desde 0.", nil)
	}
	return offset, nil
}

// subtreePage is perPage ids below top from offset on that the users list
// rule shows who, newest first (created, then id, both descending), and
// how many there are in all.
func subtreePage(app core.App, who caller, top string, offset, perPage int) ([]string, int, error) {
	counted, err := countersAnswer(app, who)
	if err != nil {
		return nil, 0, err
	}
	if !counted {
		return subtreePageByRule(app, who, top, offset, perPage)
	}
	// Under the shipped rules who sees everyone below a node they see: the
	// counters hold how many (a row per level, not a row per person).
	total, err := tree.CountBelow(app, top)
	if err != nil {
		return nil, 0, err
	}
	// Two plans (tree.WalkSince picks): walk users newest first from the
	// day the page begins and probe each in the closure table, or read the
	// whole subtree off the closure table and sort it.
	since, err := tree.WalkSince(app, top, offset+perPage, total)
	if err != nil {
		return nil, 0, err
	}
	params := dbx.Params{"top": top, "limit": perPage, "offset": offset, "since": since}
	// CROSS JOIN fixes the loop order SQLite would otherwise guess.
	sql := "SELECT n.descendant FROM {{" + schema.NetworkCollection + "}} n INDEXED BY idx_network_down " +
		"CROSS JOIN {{" + schema.UsersCollection + "}} u ON u.id = n.descendant " +
		"WHERE n.ancestor = {:top} AND n.depth > 0 ORDER BY u.created DESC, u.id DESC LIMIT {:limit} OFFSET {:offset}"
	if since != "" {
		sql = "SELECT u.id FROM {{" + schema.UsersCollection + "}} u INDEXED BY " + schema.UsersCreatedIndex + " " +
			"CROSS JOIN {{" + schema.NetworkCollection + "}} n INDEXED BY idx_network_up ON n.descendant = u.id " +
			"WHERE u.created >= {:since} AND n.ancestor = {:top} AND n.depth > 0 ORDER BY u.created DESC, u.id DESC LIMIT {:limit} OFFSET {:offset}"
	}
	var ids []string
	err = app.DB().NewQuery(sql).Bind(params).Column(&ids)
	if err != nil {
		return nil, 0, fmt.Errorf("subtree page of %s: %w", top, err)
	}
	return ids, total, nil
}

// subtreePageByRule is subtreePage under rules rewritten in the DB: the
// users list rule, built by PocketBase's engine, narrows the subtree.
func subtreePageByRule(app core.App, who caller, top string, offset, perPage int) ([]string, int, error) {
	users, err := app.FindCachedCollectionByNameOrId(schema.UsersCollection)
	if err != nil {
		return nil, 0, fmt.Errorf("collection users: %w", err)
	}
	base := func() (*dbx.SelectQuery, error) {
		q := app.DB().Select().From(users.Name)
		inSubtree(q, top, false)
		if err := who.applyRule(app, q, users, users.ListRule); err != nil {
			return nil, err
		}
		return q, nil
	}
	q, err := base()
	if err != nil {
		return nil, 0, err
	}
	var total int
	if err := q.Select("count(DISTINCT users.id)").Row(&total); err != nil {
		return nil, 0, fmt.Errorf("count the subtree of %s: %w", top, err)
	}
	if q, err = base(); err != nil {
		return nil, 0, err
	}
	var ids []string
	err = q.Select("users.id").Distinct(true).OrderBy("users.created DESC", "users.id DESC").
		Offset(int64(offset)).Limit(int64(perPage)).Column(&ids)
	if err != nil {
		return nil, 0, fmt.Errorf("subtree page of %s: %w", top, err)
	}
	return ids, total, nil
}
