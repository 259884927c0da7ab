package treerules

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/search"

	"github.com/padron/padron/schema"
	"github.com/padron/padron/tree"
)

// PocketBase's list API filters by the list rule inside the page's query.
// For the shipped tree rule that query joins the closure table, so
// PocketBase makes it DISTINCT over whole rows: a leader's page of 50
// deduplicated and sorted their whole subtree (437 ms p95 at 15,644 below
// on 200,000 people). Here the list handler keeps everything it does
// (rate limits, the checks of the filter and sort, the list hooks, expand,
// fields, the JSON) but its own query is made to find nothing in one index
// lookup, and the page's records come from a query with the same answer
// that SQLite can plan by the subtree: walk users newest first and probe
// the closure table (it stops at the page's end), or read the subtree off
// the closure table. The request's filter, sort and page are PocketBase's,
// resolved by its own resolver against the caller's request info. Rows
// whose sort keys tie may come in another order than PocketBase's plan
// gives them (an order SQL leaves open either way).

// Ids of the list shortcut's middleware and hook, so a test or a tool can
// unbind them and compare with PocketBase's engine.
const (
	ListMiddlewareID = "padronTreeRulesList"
	ListHookID       = "padronTreeRulesListAnswer"
)

// listPattern is the route of PocketBase's list API.
const listPattern = "GET /api/collections/{collection}/records"

// listQueryKey keeps, in the request's store, the query the caller sent.
const listQueryKey = "padronTreeRulesListQuery"

// listDecoy finds no record (no id has a "!") by the unique id index: the
// list handler's own query, narrowed by it, costs one lookup whatever the
// rule joins. (Not "": PocketBase makes `= ""` also match NULL, an OR that
// SQLite drives from the rule's join instead.)
const listDecoy = `id = "!"`

// BindList makes PocketBase's list API answer a collection whose list rule
// is the shipped tree rule by a query SQLite plans by the subtree. It
// takes requests by a person (not a superuser) that sort the rows and skip
// the total (as the SDK's getFullList and the web app do); others, and any
// rule edited in the dashboard, go to PocketBase's engine as before.
func BindList(app core.App) {
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.Bind(&hook.Handler[*core.RequestEvent]{Id: ListMiddlewareID, Func: listDecoyMiddleware})
		return se.Next()
	})
	// First among the list hooks, so every other one sees the real page.
	app.OnRecordsListRequest().Bind(&hook.Handler[*core.RecordsListRequestEvent]{Id: ListHookID, Priority: -1000, Func: answerList})
}

// listDecoyMiddleware narrows the list handler's query by listDecoy (the
// caller's filter kept in front of it, so PocketBase still checks it) and
// keeps the caller's query for answerList.
func listDecoyMiddleware(e *core.RequestEvent) error {

	if e.Request.Pattern != listPattern || e.Auth == nil || e.Auth.Collection().Name != schema.UsersCollection {
		return e.Next()
	}
	col, err := e.App.FindCachedCollectionByNameOrId(e.Request.PathValue("collection"))
	if err != nil || col.ListRule == nil {
		return e.Next()
	}
	if _, ok := listField(e.App, col); !ok {
		return e.Next()
	}
	q := e.Request.URL.Query()
	skipTotal, _ := strconv.ParseBool(q.Get(search.SkipTotalQueryParam))
	filter := q.Get(search.FilterQueryParam)
	if !skipTotal || q.Get(search.SortQueryParam) == "" || len(filter)+len(listDecoy)+6 > search.MaxFilterLength {
		return e.Next()
	}
	// The request info (rules' @request.query.*, PocketBase's throttle of
	// empty searches) is read once and kept: it stays the caller's.
	if _, err := e.RequestInfo(); err != nil {
		return e.Next() // PocketBase reports it
	}
	raw := e.Request.URL.RawQuery
	e.Set(listQueryKey, raw)
	if filter == "" {
		q.Set(search.FilterQueryParam, listDecoy)
	} else {
		q.Set(search.FilterQueryParam, "("+filter+") && "+listDecoy)
	}
	e.Request.URL.RawQuery = q.Encode()
	defer func() { e.Request.URL.RawQuery = raw }()
	return e.Next()
}

// answerList puts the caller's page in place of the decoy's empty one.
func answerList(e *core.RecordsListRequestEvent) error {
	raw, ok := e.Get(listQueryKey).(string)
	if !ok {
		return e.Next()
	}
	field, ok := listField(e.App, e.Collection)
	if !ok {
		return e.Next()
	}
	info, err := e.RequestInfo()
	if err != nil {
		return err
	}
	records, result, err := listPage(e.App, e.Collection, field, info, raw)
	if err != nil {
		return e.InternalServerError("", err)
	}
	e.Records, e.Result = records, result
	return e.Next()
}

// listField is the field col's list rule is the shipped tree rule of.
func listField(app core.App, col *core.Collection) (string, bool) {
	if col == nil || col.ListRule == nil {
		return "", false
	}
	return (&checker{App: app}).treeField(col, *col.ListRule)
}

// listPage runs the caller's list query (rawQuery) on col with the tree
// rule of field answered by the closure table: the rule shows the caller
// themself (the depth-0 row) and, to a leader or coordinator, everyone
// below them.
func listPage(app core.App, col *core.Collection, field string, info *core.RequestInfo, rawQuery string) ([]*core.Record, *search.Result, error) {
	viewer := info.Auth.Id
	manager := slices.Contains(schema.ManagerRoles, info.Auth.GetString("role"))
	person := "[[" + col.Name + "." + field + "]]"
	network := "{{" + schema.NetworkCollection + "}}"
	run := func(where dbx.Expression) ([]*core.Record, *search.Result, error) {
		q := app.RecordQuery(col).AndWhere(where)
		records := []*core.Record{}
		result, err := search.NewProvider(core.NewRecordFieldResolver(app, col, info, false)).Query(q).ParseAndExec(rawQuery, &records)
		return records, result, err
	}
	p := dbx.Params{"viewer": viewer}
	if !manager {
		return run(dbx.NewExp(person+" IN (SELECT [[descendant]] FROM "+network+" WHERE [[ancestor]] = {:viewer} AND [[depth]] = 0)", p))
	}
	below := dbx.NewExp(person+" IN (SELECT [[descendant]] FROM "+network+" WHERE [[ancestor]] = {:viewer})", p)
	since, perPage, err := walkFrom(app, col, field, viewer, rawQuery)
	if err != nil {
		return nil, nil, fmt.Errorf("treerules: plan a list page for %s: %w", viewer, err)
	}
	if since == "" {
		return run(below)
	}
	p["since"] = since
	records, result, err := run(dbx.NewExp("EXISTS (SELECT 1 FROM "+network+" n WHERE n.[[descendant]] = "+person+
		" AND n.[[ancestor]] = {:viewer}) AND [["+col.Name+".created]] >= {:since}", p))
	if err != nil || len(records) == perPage {
		return records, result, err
	}
	// The filter left the walk short of a page: read the whole subtree.
	return run(below)
}

// walkFrom is the day from which a newest-first page of users is sought
// by walking users newest first ("" when reading the subtree off the
// closure table costs less, tree.WalkSince, or the order is another), and
// the page size.
func walkFrom(app core.App, col *core.Collection, field, viewer, rawQuery string) (string, int, error) {
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return "", 0, err
	}
	// As PocketBase's search provider reads them.
	page, _ := strconv.Atoi(q.Get(search.PageQueryParam))
	perPage, _ := strconv.Atoi(q.Get(search.PerPageQueryParam))
	page = max(page, 1)
	switch {
	case perPage <= 0:
		perPage = search.DefaultPerPage
	case perPage > search.MaxPerPage:
		perPage = search.MaxPerPage
	}
	sort := search.ParseSortFromString(q.Get(search.SortQueryParam))
	if col.Name != schema.UsersCollection || field != "id" || len(sort) == 0 ||
		sort[0].Name != "created" || sort[0].Direction != search.SortDesc {
		return "", perPage, nil
	}
	total, err := tree.CountBelow(app, viewer)
	if err != nil {
		return "", perPage, err
	}
	since, err := tree.WalkSince(app, viewer, page*perPage, total)
	if err != nil {
		return "", perPage, err
	}
	return since, perPage, nil
}
