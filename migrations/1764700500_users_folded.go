package migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"

	"github.com/padron/padron/schema"
)

func init() {
	m.Register(upUsersFolded, downUsersFolded)
}

// upUsersFolded adds the folded names (schema.FoldedNamesTable), the
// users triggers that keep them and their backfill: "Toda la red"'s search
// folded every name of the subtree in SQLite per request (~250 ms at
// 20,000 people); it reads them stored.
func upUsersFolded(app core.App) error {
	t, users := schema.FoldedNamesTable, schema.UsersCollection
	row := func(rec string) string {
		return "INSERT OR REPLACE INTO " + t + " (user, folded) VALUES (" + rec + ".id, " + schema.FoldNameSQL(rec+".name") + ");"
	}
	for _, s := range []string{
		"CREATE TABLE IF NOT EXISTS " + t + " (user TEXT PRIMARY KEY NOT NULL, folded TEXT NOT NULL) WITHOUT ROWID",
		"CREATE TRIGGER IF NOT EXISTS users_folded_insert AFTER INSERT ON " + users + " BEGIN " + row("new") + " END",
		"CREATE TRIGGER IF NOT EXISTS users_folded_update AFTER UPDATE OF id, name ON " + users +
			" BEGIN DELETE FROM " + t + " WHERE user = old.id; " + row("new") + " END",
		"CREATE TRIGGER IF NOT EXISTS users_folded_delete AFTER DELETE ON " + users + " BEGIN DELETE FROM " + t + " WHERE user = old.id; END",
		"INSERT OR REPLACE INTO " + t + " (user, folded) SELECT id, " + schema.FoldNameSQL("name") + " FROM " + users,
	} {
		if _, err := app.DB().NewQuery(s).Execute(); err != nil {
			return fmt.Errorf("folded names: %w", err)
		}
	}
	return nil
}

func downUsersFolded(app core.App) error {
	for _, s := range []string{
		"DROP TRIGGER IF EXISTS users_folded_insert", "DROP TRIGGER IF EXISTS users_folded_update",
		"DROP TRIGGER IF EXISTS users_folded_delete", "DROP TABLE IF EXISTS " + schema.FoldedNamesTable,
	} {
		if _, err := app.DB().NewQuery(s).Execute(); err != nil {
			return fmt.Errorf("folded names: %w", err)
		}
	}
	return nil
}
