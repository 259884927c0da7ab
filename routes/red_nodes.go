package routes

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/padron/padron/schema"
	"github.com/padron/padron/tree"
)

func (r redAPI) bindNodes(se *core.ServeEvent) {
	se.Router.GET("/api/red/nodes/{id}", func(e *core.RequestEvent) error {
		who, ok := whoIs(e)
		if !ok {
			return errAuthRequired()
		}
		rec, err := redNode(e, who)
		if err != nil {
			return err
		}
		n, err := r.nodeFor(e, who, rec.Id)
		if err != nil {
			return redError(e, err)
		}
		return e.JSON(http.StatusOK, n)
	}).Bind(apis.BodyLimit(readBodyLimit))

	se.Router.GET("/api/red/nodes/{id}/children", func(e *core.RequestEvent) error {
		who, rec, err := leaderNode(e)
		if err != nil {
			return err
		}
		page, perPage := pageParams(e)
		out, err := r.children(e.App, who, rec.Id, page, perPage)
		if err != nil {
			return e.InternalServerError("No pudimos cargar la red.", err)
		}
		return e.JSON(http.StatusOK, out)
	}).Bind(apis.BodyLimit(readBodyLimit))
}

// children is a page of parent's direct referidos (as the users list rule
// shows them to who), oldest first, each with their subtree's totals.
func (r redAPI) children(app core.App, who caller, parent string, page, perPage int) (*redPage[*tree.Node], error) {
	users, err := app.FindCachedCollectionByNameOrId(schema.UsersCollection)
	if err != nil {
		return nil, fmt.Errorf("collection users: %w", err)
	}
	// Under the shipped rules who sees every child of a node they see:
	// no rule to build in (the ids come straight from the referred_by,
	// created index).
	counted, err := countersAnswer(app, who)
	if err != nil {
		return nil, err
	}
	base := func() (*dbx.SelectQuery, error) {
		q := app.DB().Select().From(users.Name).AndWhere(dbx.HashExp{users.Name + ".referred_by": parent})
		if counted {
			return q, nil
		}
		if err := who.applyRule(app, q, users, users.ListRule); err != nil {
			return nil, err
		}
		return q, nil
	}
	q, err := base()
	if err != nil {
		return nil, err
	}
	var total int
	if err := q.Select("count(DISTINCT users.id)").Row(&total); err != nil {
		return nil, fmt.Errorf("count children of %s: %w", parent, err)
	}
	if q, err = base(); err != nil {
		return nil, err
	}
	var ids []string
	err = q.Select("users.id").Distinct(true).OrderBy("users.created", "users.id").
		Offset(int64((page - 1) * perPage)).Limit(int64(perPage)).Column(&ids)
	if err != nil {
		return nil, fmt.Errorf("children of %s: %w", parent, err)
	}
	nodes, err := tree.Nodes(app, ids, r.now())
	if err != nil {
		return nil, err
	}
	out := &redPage[*tree.Node]{Page: page, PerPage: perPage, TotalItems: total, Items: make([]*tree.Node, 0, len(ids))}
	for _, id := range ids {
		if n := nodes[id]; n != nil {
			out.Items = append(out.Items, n)
		}
	}
	return out, nil
}

// redError passes an API error through and turns anything else into a 500.
func redError(e *core.RequestEvent, err error) error {
	var apiErr *router.ApiError
	if errors.As(err, &apiErr) {
		return apiErr
	}
	return e.InternalServerError("No pudimos cargar la red.", err)
}
