package tree

import (
	"fmt"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/padron/padron/schema"
)

// ManagersAbove is the set of leaders and coordinators above person (from
// the closure table, with their roles as they are now): besides person
// themself, whom the shipped users rule (schema.SeesUserRule) lets read
// person.
func ManagersAbove(app core.App, person string) (map[string]bool, error) {
	return readersOf(app, person, false)
}

// Seers is everyone the shipped tree rule lets read person: person (by
// their own closure row) and the leaders and coordinators above them.
func Seers(app core.App, person string) (map[string]bool, error) {
	return readersOf(app, person, true)
}

// readersOf reads ManagersAbove, and person's own row when self, in one
// indexed query (at most one row per level).
func readersOf(app core.App, person string, self bool) (map[string]bool, error) {
	var ids []string
	roles := make([]any, len(schema.ManagerRoles))
	for i, r := range schema.ManagerRoles {
		roles[i] = r
	}
	own := "0"
	if self {
		own = "n.depth = 0"
	}
	err := app.DB().Select("n.ancestor").From(schema.NetworkCollection+" n").
		InnerJoin(schema.UsersCollection+" u", dbx.NewExp("u.id = n.ancestor")).
		Where(dbx.NewExp("n.descendant = {:person}", dbx.Params{"person": person})).
		AndWhere(dbx.Or(dbx.NewExp(own), dbx.And(dbx.NewExp("n.depth > 0"), dbx.In("u.role", roles...)))).
		Column(&ids)
	if err != nil {
		return nil, fmt.Errorf("readers of %s: %w", person, err)
	}
	to := make(map[string]bool, len(ids)+2)
	for _, id := range ids {
		to[id] = true
	}
	return to, nil
}
