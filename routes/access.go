package routes

import (
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/search"

	"github.com/padron/padron/schema"
)

// Who may see which user and census record is decided here by PocketBase's
// own evaluation of the collections' rules, read from the collection at
// request time: the rule strings in migrations (or as a superuser later
// edits them in the dashboard) are the only statement of the referral rule.
// Single records go through app.CanAccessRecord with the view rule; queries
// over many records get the list or view rule built into SQL by PocketBase's
// RecordFieldResolver, as its records API does. Superusers bypass rules, as
// in PocketBase. Which endpoints are for leaders only is endpoint policy,
// not a rule, and stays in requireLeader.

// caller is who is asking, as far as Padrón's endpoints care.
type caller struct {
	id        string
	superuser bool
	// leader is true for leaders and coordinators: both see census data below them.
	leader bool
	// coordinator also manages the subtree (roles, goals, moves).
	coordinator bool
	// rules is the request as the collections' rules read it (@request.*).
	rules *core.RequestInfo
}

// whoIs classifies the request's auth; ok is false for anonymous requests
// and for auth collections other than users and superusers.
func whoIs(e *core.RequestEvent) (caller, bool) {
	if e.Auth == nil {
		return caller{}, false
	}
	if e.Auth.IsSuperuser() {
		return caller{id: e.Auth.Id, superuser: true, rules: ruleRequest(e)}, true
	}
	if e.Auth.Collection().Name != schema.UsersCollection {
		return caller{}, false
	}
	role := e.Auth.GetString("role")
	return caller{
		id:          e.Auth.Id,
		leader:      role == schema.RoleLeader || role == schema.RoleCoordinator,
		coordinator: role == schema.RoleCoordinator,
		rules:       ruleRequest(e),
	}, true
}

// requireLeader answers the request's caller when it is a leader, a
// coordinator or a superuser, or the error to send otherwise.
func requireLeader(e *core.RequestEvent) (caller, error) {
	who, ok := whoIs(e)
	if !ok {
		return caller{}, errAuthRequired()
	}
	if !who.leader && !who.superuser {
		return caller{}, errLeadersOnly()
	}
	return who, nil
}

// ruleRequest is the request as PocketBase's records API shows it to rules
// (auth, method, query, headers), built by PocketBase itself, but without
// the body: view and list rules are written for GET requests, which carry
// none, and these endpoints' bodies are their own commands, which the
// handlers decode (binding them here would consume them or reject them in
// PocketBase's words instead of ours).
func ruleRequest(e *core.RequestEvent) *core.RequestInfo {
	bodiless := &core.RequestEvent{App: e.App, Auth: e.Auth}
	bodiless.Request = e.Request.Clone(e.Request.Context())
	bodiless.Request.Body, bodiless.Request.ContentLength = http.NoBody, 0
	bodiless.Response = e.Response
	info, err := bodiless.RequestInfo()
	if err != nil {
		// Unreachable: only binding a body can fail, and there is none.
		return &core.RequestInfo{Context: core.RequestInfoContextDefault, Method: e.Request.Method, Auth: e.Auth}
	}
	return info
}

// mayView reports whether who may view rec under its collection's view
// rule, as GET /api/collections/{collection}/records/{id} decides it.
func (who caller) mayView(app core.App, rec *core.Record) (bool, error) {
	ok, err := app.CanAccessRecord(rec, who.rules, rec.Collection().ViewRule)
	if err != nil {
		return false, fmt.Errorf("%s view rule: %w", rec.Collection().Name, err)
	}
	return ok, nil
}

// applyRule narrows q, a query from col's table under its own name, to the
// records rule shows who, exactly as PocketBase's records API applies a list
// or view rule: superusers bypass it, a nil rule (superusers only) shows no
// one else anything, an empty rule shows everything.
func (who caller) applyRule(app core.App, q *dbx.SelectQuery, col *core.Collection, rule *string) error {
	switch {
	case who.rules.HasSuperuserAuth():
		return nil
	case rule == nil:
		q.AndWhere(dbx.NewExp("0=1"))
		return nil
	case *rule == "":
		return nil
	}
	resolver := core.NewRecordFieldResolver(app, col, who.rules, true)
	expr, err := search.FilterData(*rule).BuildExpr(resolver)
	if err != nil {
		return fmt.Errorf("%s rule: %w", col.Name, err)
	}
	q.AndWhere(expr)
	if err := resolver.UpdateQuery(q); err != nil {
		return fmt.Errorf("%s rule joins: %w", col.Name, err)
	}
	return nil
}

// viewable is a record query of collection's records whose field ("id" or
// a relation) is one of ids and whose view rule shows who: bulk endpoints
// ask about many records at once, each as if viewed alone.
func (who caller) viewable(app core.App, collection, field string, ids []any) (*dbx.SelectQuery, error) {
	col, err := app.FindCachedCollectionByNameOrId(collection)
	if err != nil {
		return nil, fmt.Errorf("collection %s: %w", collection, err)
	}
	q := app.RecordQuery(col).AndWhere(dbx.In(col.Name+"."+field, ids...))
	if err := who.applyRule(app, q, col, col.ViewRule); err != nil {
		return nil, err
	}
	return q, nil
}

// referidos is a query over users joined with their census records,
// narrowed to who's referidos: the users the users list rule shows who,
// except who themself, with the records the cedula_info list rule shows
// them (for a superuser: everyone). The tables go by their own names
// (users.name, cedula_info.status), as rules speak of them; the caller
// selects the columns.
//
// Both rules are built into this one query, joins and all, rather than
// into subqueries: SQLite then drives it from the index the users rule
// names (referred_by under the shipped rule); a subquery per rule cost two
// to three times the query. When a rule's joins may repeat a row the query
// is DISTINCT, and counts must count distinct users.id.
func (who caller) referidos(app core.App) (*dbx.SelectQuery, error) {
	users, err := app.FindCachedCollectionByNameOrId(schema.UsersCollection)
	if err != nil {
		return nil, fmt.Errorf("collection users: %w", err)
	}
	infos, err := app.FindCachedCollectionByNameOrId(schema.CedulaInfoCollection)
	if err != nil {
		return nil, fmt.Errorf("collection cedula_info: %w", err)
	}
	q := app.DB().Select().From(users.Name).
		InnerJoin(infos.Name, dbx.NewExp("[["+infos.Name+".user]] = [["+users.Name+".id]]")).
		AndWhere(dbx.NewExp("[["+users.Name+".id]] != {:caller}", dbx.Params{"caller": who.id}))
	joined := map[string]dbx.JoinInfo{}
	for _, col := range []*core.Collection{users, infos} {
		part := app.DB().Select()
		if err := who.applyRule(app, part, col, col.ListRule); err != nil {
			return nil, err
		}
		if err := mergeRule(app, q, part.Info(), joined); err != nil {
			return nil, err
		}
	}
	return q, nil
}

// mergeRule adds to q a rule applyRule built on its own query: its
// conditions and the joins q does not have yet. Two rules that read the
// same auth record join it identically; a join under an alias already taken
// by a different one is an error, not a silent mix-up. PocketBase makes any
// query with joins DISTINCT; here only joins that may repeat rows do, since
// DISTINCT over 5,000 rows cost a fifth of the stats query.
func mergeRule(app core.App, q *dbx.SelectQuery, rule *dbx.QueryInfo, joined map[string]dbx.JoinInfo) error {
	for _, j := range rule.Join {
		if prev, ok := joined[j.Table]; ok {
			if !reflect.DeepEqual(prev, j) {
				return fmt.Errorf("two rules join %q differently", j.Table)
			}
			continue
		}
		joined[j.Table] = j
		q.Join(j.Join, j.Table, j.On)
		if repeatsRows(app, j) && !pinnedClosureJoin(app, j, rule.Where) {
			q.Distinct(true)
		}
	}
	if rule.Where != nil {
		q.AndWhere(rule.Where)
	}
	return nil
}

// repeatsRows reports whether a join PocketBase's resolver made may match
// one row of the query several times. A join of a base or auth collection
// on its primary key cannot: that is how the resolver joins the auth record
// (@request.auth.role) and a single relation (user.referred_by). Anything
// else may: json_each of a multiple relation, a back-relation, @collection.
func repeatsRows(app core.App, j dbx.JoinInfo) bool {
	table, alias, ok := strings.Cut(j.Table, " ")
	if !ok {
		return true
	}
	if col, err := app.FindCachedCollectionByNameOrId(table); err != nil || col.IsView() {
		return true
	}
	switch on := j.On.(type) {
	case dbx.HashExp: // the auth record: {alias.id: auth id}
		_, byID := on[alias+".id"]
		return len(on) != 1 || !byID
	case *dbx.Exp: // a single relation: [[alias.id]] = [[table.field]]
		lhs, rhs, found := strings.Cut(on.Build(nil, dbx.Params{}), " = ")
		return !found || lhs != "[["+alias+".id]]" || !isColumn.MatchString(rhs)
	}
	return true
}

// isColumn matches one quoted column reference, [[table.field]].
var isColumn = regexp.MustCompile(`^\[\[\w+\.\w+\]\]$`)

// pinnedClosureJoin reports whether j is the back-relation join of the
// closure table on descendant (what schema.SeesUserRule reads) and where
// requires, as a top-level conjunct, its ancestor to equal one value: with
// the table's unique (ancestor, descendant) the join then matches at most
// one row per person, and the query needs no DISTINCT. A rule that puts the
// ancestor test under an OR (or reads another column) keeps DISTINCT.
func pinnedClosureJoin(app core.App, j dbx.JoinInfo, where dbx.Expression) bool {
	table, alias, ok := strings.Cut(j.Table, " ")
	if !ok || where == nil {
		return false
	}
	if col, err := app.FindCachedCollectionByNameOrId(table); err != nil || col.Name != schema.NetworkCollection {
		return false
	}
	on, ok := j.On.(*dbx.Exp)
	if !ok {
		return false
	}
	lhs, rhs, found := strings.Cut(on.Build(nil, dbx.Params{}), " = ")
	if !found || lhs != "[["+alias+".descendant]]" || !isColumn.MatchString(rhs) {
		return false
	}
	db, ok := app.ConcurrentDB().(*dbx.DB) // only to build the condition's text
	if !ok {
		return false
	}
	for _, c := range topConjuncts(where.Build(db, dbx.Params{})) {
		if value, ok := strings.CutPrefix(c, "[["+alias+".ancestor]] = "); ok && isPlaceholder.MatchString(value) {
			return true
		}
	}
	return false
}

// isPlaceholder matches one bound parameter, {:name}.
var isPlaceholder = regexp.MustCompile(`^\{:\w+\}$`)

// topConjuncts splits a built condition into the parts joined by AND
// outside any parentheses, after dropping parentheses around the whole.
func topConjuncts(sql string) []string {
	for len(sql) > 1 && sql[0] == '(' && closing(sql, 0) == len(sql)-1 {
		sql = sql[1 : len(sql)-1]
	}
	var parts []string
	depth, start := 0, 0
	for i := 0; i < len(sql); i++ {
		switch sql[i] {
		case '(':
			depth++
		case ')':
			depth--
		case ' ':
			if depth == 0 && strings.HasPrefix(sql[i:], " AND ") {
				parts = append(parts, sql[start:i])
				start = i + len(" AND ")
				i += len(" AND ") - 1
			}
		}
	}
	parts = append(parts, sql[start:])
	for i, p := range parts {
		for len(p) > 1 && p[0] == '(' && closing(p, 0) == len(p)-1 {
			p = p[1 : len(p)-1]
		}
		parts[i] = p
	}
	return parts
}

// closing is the index of the parenthesis closing the one at open, or -1.
func closing(s string, open int) int {
	depth := 0
	for i := open; i < len(s); i++ {
		switch s[i] {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}
