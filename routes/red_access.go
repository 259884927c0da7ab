package routes

import (
	"net/http"
	"strconv"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/padron/padron/schema"
	"github.com/padron/padron/tree"
)

// The red endpoints (issue 16) read the referral tree through the closure
// table (package tree). Who may see a node is the users collection's view
// rule, evaluated by PocketBase as for GET /api/collections/users/records/{id}:
// the rule (schema.SeesUserRule, or whatever an admin wrote in the DB) is the
// only statement of it. Who may manage a node (move, role, goals) is endpoint
// policy on top: a coordinator, for people strictly below them in the
// closure table; a superuser anywhere.

// redPerPage bounds a page of nodes.
const (
	redPerPageDefault = 50
	redPerPageMax     = 200
)

var (
	errNotInNetwork = func() *router.ApiError {
		return apiError(http.StatusForbidden, "not_in_your_network", "Esa persona no está en tu red.", nil)
	}
	errCoordinatorsOnly = func() *router.ApiError {
		return apiError(http.StatusForbidden, "coordinators_only", "Solo los coordinadores pueden hacer este cambio en la red.", nil)
	}
	errNotBelow = func() *router.ApiError {
		return apiError(http.StatusForbidden, "not_below_you", "Solo puedes cambiar a personas que están debajo de ti en la red.", nil)
	}
)

// redNode resolves the request's {id} ("me" is the caller) to a user the
// caller may see under the users view rule.
func redNode(e *core.RequestEvent, who caller) (*core.Record, error) {
	id := e.Request.PathValue("id")
	if id == "me" {
		if who.superuser {
			return nil, apiError(http.StatusBadRequest, "no_node", "Los administradores no tienen un lugar en la red; elige una persona.", nil)
		}
		id = who.id
	}
	rec, err := e.App.FindRecordById(schema.UsersCollection, id)
	if err != nil {
		return nil, errNotInNetwork()
	}
	if who.superuser {
		return rec, nil
	}
	ok, err := who.mayView(e.App, rec)
	if err != nil {
		return nil, e.InternalServerError("No pudimos comprobar tu acceso.", err)
	}
	if !ok {
		return nil, errNotInNetwork()
	}
	return rec, nil
}

// requireManager answers the caller when they may manage target: a
// superuser, or a coordinator with target strictly below them (and shown
// to them by the users view rule, which redNode already checked).
func requireManager(e *core.RequestEvent, who caller, target *core.Record) error {
	if who.superuser {
		return nil
	}
	if !who.coordinator {
		return errCoordinatorsOnly()
	}
	below, err := tree.IsBelow(e.App, target.Id, who.id, 1)
	if err != nil {
		return e.InternalServerError("No pudimos comprobar tu red.", err)
	}
	if !below {
		return errNotBelow()
	}
	return nil
}

// redAPI holds what the red endpoints share.
type redAPI struct {
	// now is the clock of the growth window (Deps.Now).
	now func() time.Time
}

// nodeFor is target's node as who may see it: members get counts only.
func (r redAPI) nodeFor(e *core.RequestEvent, who caller, id string) (*tree.Node, error) {
	nodes, err := tree.Nodes(e.App, []string{id}, r.now())
	if err != nil {
		return nil, err
	}
	n := nodes[id]
	if n == nil {
		return nil, errNotInNetwork()
	}
	if !who.leader && !who.superuser {
		n.Census = nil
	}
	return n, nil
}

// pageParams reads page and perPage (1-based; perPage up to redPerPageMax).
func pageParams(e *core.RequestEvent) (page, perPage int) {
	q := e.Request.URL.Query()
	page, _ = strconv.Atoi(q.Get("page"))
	perPage, _ = strconv.Atoi(q.Get("perPage"))
	if page < 1 {
		page = 1
	}
	if perPage < 1 {
		perPage = redPerPageDefault
	}
	return page, min(perPage, redPerPageMax)
}

// redPage is a page of nodes.
type redPage[T any] struct {
	Page       int `json:"page"`
	PerPage    int `json:"perPage"`
	TotalItems int `json:"totalItems"`
	Items      []T `json:"items"`
}

// inSubtree narrows a users query (table users) to the subtree of top,
// top included when withTop.
func inSubtree(q *dbx.SelectQuery, top string, withTop bool) {
	depth := "1"
	if withTop {
		depth = "0"
	}
	q.AndWhere(dbx.NewExp("[[users.id]] IN (SELECT descendant FROM {{"+schema.NetworkCollection+
		"}} WHERE ancestor = {:top} AND depth >= "+depth+")", dbx.Params{"top": top}))
}
