package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"

	"github.com/padron/padron/schema"
)

func init() {
	m.Register(upAgentKeys, downAgentKeys)
}

// upAgentKeys adds the lookup agents' credentials: superusers only (no API
// rules), the secret kept as a hash, revocable by ticking revoked or
// deleting the row.
func upAgentKeys(app core.App) error {
	col := core.NewBaseCollection(schema.AgentKeysCollection)
	col.Fields.Add(
		&core.TextField{Name: "name", Required: true, Max: 64, Pattern: `^[A-Za-z0-9_-]+$`},
		// secret_hash is the SHA-256 of the key's secret, hex; the key itself
		// is printed once by padron agent-key create.
		&core.TextField{Name: "secret_hash", Required: true, Max: 64, Hidden: true},
		&core.BoolField{Name: "revoked"},
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	)
	col.AddIndex("idx_agent_keys_name", true, "name", "")
	return app.Save(col)
}

func downAgentKeys(app core.App) error {
	col, err := app.FindCollectionByNameOrId(schema.AgentKeysCollection)
	if err != nil {
		return nil
	}
	return app.Delete(col)
}
