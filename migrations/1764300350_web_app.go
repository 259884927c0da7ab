package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/padron/padron/schema"
)

func init() {
	m.Register(upWebApp, downWebApp)
}

// upWebApp sets the users' token duration to schema.SessionDays and creates the
// referidos view.
func upWebApp(app core.App) error {
	users, err := app.FindCollectionByNameOrId(schema.UsersCollection)
	if err != nil {
		return err
	}
	users.AuthToken.Duration = schema.SessionDays * 24 * 60 * 60
	if err := app.Save(users); err != nil {
		return err
	}

	view := core.NewViewCollection(schema.ReferidosCollection)
	view.ViewQuery = "SELECT id, name, created, referred_by FROM users WHERE referred_by != ''"
	view.ListRule = types.Pointer(schema.ReferidosRule)
	view.ViewRule = types.Pointer(schema.ReferidosRule)
	return app.Save(view)
}

func downWebApp(app core.App) error {
	if view, err := app.FindCollectionByNameOrId(schema.ReferidosCollection); err == nil {
		if err := app.Delete(view); err != nil {
			return err
		}
	}
	users, err := app.FindCollectionByNameOrId(schema.UsersCollection)
	if err != nil {
		return err
	}
	users.AuthToken.Duration = 7 * 24 * 60 * 60 // PocketBase's default
	return app.Save(users)
}
