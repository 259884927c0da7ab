// Package treerules answers PocketBase's access checks on the shipped tree
// rule (schema.SeesUserRule) with one indexed closure-table query while a
// save's after-success hooks run: there PocketBase's realtime broadcast
// checks a rule once per matching subscription, and its rule engine costs
// about eight times the query (parsing, field resolution and a joined,
// DISTINCT statement per check); and PocketBase's list API on it with a
// query SQLite plans by the subtree (list.go).
package treerules

import (
	"database/sql"
	"errors"
	"fmt"
	"sync"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"github.com/padron/padron/schema"
	"github.com/padron/padron/tree"
)

// Hook ids, so a test or a tool can unbind the shortcut and compare.
const (
	CreateHookID = "padronTreeRulesCreate"
	UpdateHookID = "padronTreeRulesUpdate"
)

// Bind makes the create and update after-success hooks of every save see
// an app whose CanAccessRecord answers the tree rule by the closure table.
// It runs before PocketBase's realtime handlers (priority -99), so their
// per-subscriber checks take the short way. A rule edited in the dashboard
// (any other text) goes to PocketBase's rule engine as before.
func Bind(app core.App) {
	app.OnModelAfterCreateSuccess().Bind(&hook.Handler[*core.ModelEvent]{Id: CreateHookID, Priority: -100, Func: wrap})
	app.OnModelAfterUpdateSuccess().Bind(&hook.Handler[*core.ModelEvent]{Id: UpdateHookID, Priority: -100, Func: wrap})
}

func wrap(e *core.ModelEvent) error {
	if _, ok := e.App.(*checker); ok {
		return e.Next()
	}
	app := e.App
	c := &checker{App: app, seers: map[string]map[string]bool{}}
	e.App = c
	defer func() {
		c.mu.Lock()
		c.seers = nil // past its event, every answer is read afresh
		c.mu.Unlock()
		e.App = app
	}()
	return e.Next()
}

// checker is the app with CanAccessRecord answered by the closure table
// for the shipped tree rule. While its event's hooks run, it remembers who
// may see each person it was asked about, so a broadcast to many
// subscribers reads the network once per record, not once per subscriber;
// a hook that keeps it past its event gets answers read afresh.
type checker struct {
	core.App

	mu    sync.Mutex
	seers map[string]map[string]bool // person → viewers; nil: no memory
}

// CanAccessRecord gives PocketBase's answer: for the rule SeesUserRule(f)
// of record's collection, whether the viewer is the person in f (or the
// record itself on users) or a leader or coordinator above them, read from
// the network rows and the viewer's role as they are in the database.
func (c *checker) CanAccessRecord(record *core.Record, info *core.RequestInfo, rule *string) (bool, error) {
	if rule == nil || *rule == "" || info == nil || info.HasSuperuserAuth() {
		return c.App.CanAccessRecord(record, info, rule)
	}
	field, ok := c.treeField(record.Collection(), *rule)
	if !ok {
		return c.App.CanAccessRecord(record, info, rule)
	}
	person := record.Id
	if field != "id" {
		person = record.GetString(field)
	}
	viewer := ""
	if info.Auth != nil {
		viewer = info.Auth.Id
	}
	if viewer == "" || person == "" {
		return false, nil // no closure row has an empty end
	}
	return c.sees(viewer, person)
}

// sees answers from the event's memory of person's viewers, loading them
// once; without memory (a test's checker, or past the event) it asks the
// database for this one pair.
func (c *checker) sees(viewer, person string) (bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.seers == nil {
		return sees(c.App, viewer, person)
	}
	viewers, ok := c.seers[person]
	if !ok {
		var err error
		if viewers, err = seersOf(c.App, person); err != nil {
			return false, err
		}
		c.seers[person] = viewers
	}
	return viewers[viewer], nil
}

// fieldOf caches, per collection id and rule text, the field a rule is
// SeesUserRule of ("" when it is none); both keys are immutable strings,
// so an edited rule is a new key, never a stale answer.
var fieldOf sync.Map

func (c *checker) treeField(col *core.Collection, rule string) (string, bool) {
	if col == nil {
		return "", false
	}
	key := col.Id + "\x00" + rule
	if f, ok := fieldOf.Load(key); ok {
		return f.(string), f.(string) != ""
	}
	f := treeFieldOf(c.App, col, rule)
	fieldOf.Store(key, f)
	return f, f != ""
}

// treeFieldOf finds f with rule == schema.SeesUserRule(f) among the
// collection's single relations to users (and "id" on users itself).
func treeFieldOf(app core.App, col *core.Collection, rule string) string {
	users, err := app.FindCachedCollectionByNameOrId(schema.UsersCollection)
	if err != nil {
		return ""
	}
	if col.Id == users.Id && rule == schema.SeesUserRule("id") {
		return "id"
	}
	for _, f := range col.Fields {
		rel, ok := f.(*core.RelationField)
		if ok && rel.CollectionId == users.Id && !rel.IsMultiple() && rule == schema.SeesUserRule(rel.Name) {
			return rel.Name
		}
	}
	return ""
}

// seersOf lists who may see person under the shipped tree rule.
func seersOf(app core.App, person string) (map[string]bool, error) {
	viewers, err := tree.Seers(app, person)
	if err != nil {
		return nil, fmt.Errorf("treerules: %w", err)
	}
	return viewers, nil
}

// sees reports whether viewer may see person under the shipped tree rule:
// a closure row from viewer down to person at depth 0 (the same person), or
// at any depth when viewer is a leader or coordinator.
func sees(app core.App, viewer, person string) (bool, error) {
	var one int
	err := app.ConcurrentDB().NewQuery(
		"SELECT 1 FROM {{" + schema.NetworkCollection + "}} n WHERE n.[[ancestor]] = {:viewer} AND n.[[descendant]] = {:person}" +
			" AND (n.[[depth]] = 0 OR EXISTS (SELECT 1 FROM {{" + schema.UsersCollection + "}} u" +
			" WHERE u.[[id]] = {:viewer} AND u.[[role]] IN ({:leader}, {:coordinator}))) LIMIT 1",
	).Bind(dbx.Params{
		"viewer": viewer, "person": person,
		"leader": schema.RoleLeader, "coordinator": schema.RoleCoordinator,
	}).Row(&one)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("treerules: %s sees %s: %w", viewer, person, err)
	}
	return true, nil
}
