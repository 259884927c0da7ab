package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/padron/padron/schema"
)

func init() {
	m.Register(upAgentStatus, downAgentStatus)
}

// agentStatusFields are what the server keeps on each agent key as its
// agent connects, answers and leaves, so the dashboard's agent_keys list
// shows which agents work without a page of its own.
var agentStatusFields = []string{"connected", "connected_since", "last_seen", "address", "lookups_done", "breaker"}

// upAgentStatus adds the lookup agents' status to their keys; every
// server start marks them disconnected until they connect again.
func upAgentStatus(app core.App) error {
	col, err := app.FindCollectionByNameOrId(schema.AgentKeysCollection)
	if err != nil {
		return err
	}
	col.Fields.Add(
		&core.BoolField{Name: "connected"},
		&core.DateField{Name: "connected_since"},
		&core.DateField{Name: "last_seen"},
		&core.TextField{Name: "address", Max: 100},
		&core.NumberField{Name: "lookups_done", OnlyInt: true, Min: types.Pointer(0.0)},
		&core.TextField{Name: "breaker", Max: 20},
	)
	return app.Save(col)
}

func downAgentStatus(app core.App) error {
	col, err := app.FindCollectionByNameOrId(schema.AgentKeysCollection)
	if err != nil {
		return nil
	}
	for _, name := range agentStatusFields {
		col.Fields.RemoveByName(name)
	}
	return app.Save(col)
}
