package broker

import (
	"fmt"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// keyStatus writes each agent's status onto its key record (agent_keys:
// connected, connected_since, last_seen, address, lookups_done, breaker),
// so the dashboard's list of keys shows which agents work. It updates
// those columns only, never a whole record, so it cannot undo a
// superuser's revocation saved at the same moment.
type keyStatus struct{ app core.App }

func (k keyStatus) exec(sql string, params dbx.Params) error {
	_, err := k.app.NonconcurrentDB().NewQuery(sql).Bind(params).Execute()
	return err
}

// disconnectAll marks every key disconnected: at start, nobody is yet.
func (k keyStatus) disconnectAll() error {
	if err := k.exec("UPDATE {{agent_keys}} SET [[connected]] = FALSE WHERE [[connected]] = TRUE", nil); err != nil {
		return fmt.Errorf("reset agent status: %w", err)
	}
	return nil
}

// connected records that key's agent connected from address.
func (k keyStatus) connected(keyID, address string, at time.Time) error {
	now, _ := types.ParseDateTime(at)
	return k.exec(`UPDATE {{agent_keys}} SET [[connected]] = TRUE, [[connected_since]] = {:at},
		[[last_seen]] = {:at}, [[address]] = {:address} WHERE [[id]] = {:id}`,
		dbx.Params{"at": now.String(), "address": address, "id": keyID})
}

// seen records a heartbeat of key's agent with its breaker's state.
func (k keyStatus) seen(keyID, breaker string, at time.Time) error {
	now, _ := types.ParseDateTime(at)
	return k.exec(`UPDATE {{agent_keys}} SET [[connected]] = TRUE, [[last_seen]] = {:at}, [[breaker]] = {:breaker}
		WHERE [[id]] = {:id}`, dbx.Params{"at": now.String(), "breaker": breaker, "id": keyID})
}

// answered counts n answers of key's agent the server applied.
func (k keyStatus) answered(keyID string, n uint64) error {
	return k.exec("UPDATE {{agent_keys}} SET [[lookups_done]] = [[lookups_done]] + {:n} WHERE [[id]] = {:id}",
		dbx.Params{"id": keyID, "n": n})
}

// disconnected records that key's agent has no connection left.
func (k keyStatus) disconnected(keyID string, at time.Time) error {
	now, _ := types.ParseDateTime(at)
	return k.exec("UPDATE {{agent_keys}} SET [[connected]] = FALSE, [[last_seen]] = {:at} WHERE [[id]] = {:id}",
		dbx.Params{"at": now.String(), "id": keyID})
}
