package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"

	"github.com/padron/padron/schema"
)

func init() {
	m.Register(upUsersCreatedID, downUsersCreatedID)
}

// upUsersCreatedID widens the users.created index to (created, id): a
// page of a leader's subtree, newest first with the id breaking ties
// (GET /api/red/nodes/{id}/subtree), then walks the index in order and
// stops at the page's end, without sorting. It serves every query the
// created index served.
func upUsersCreatedID(app core.App) error {
	return swapUsersIndex(app, "idx_users_created", "idx_users_created_id", "created, id")
}

func downUsersCreatedID(app core.App) error {
	return swapUsersIndex(app, "idx_users_created_id", "idx_users_created", "created")
}

// swapUsersIndex replaces the users index drop with add on columns.
func swapUsersIndex(app core.App, drop, add, columns string) error {
	users, err := app.FindCollectionByNameOrId(schema.UsersCollection)
	if err != nil {
		return err
	}
	users.RemoveIndex(drop)
	users.AddIndex(add, false, columns, "")
	return app.Save(users)
}
