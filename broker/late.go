package broker

import (
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/padron/padron/census"
	"github.com/padron/padron/schema"
)

// applyLate handles an answer no Lookup waits for. wait is true when the
// attempt is still open (queued again after a server restart): the answer
// should come back once the worker claims it. Otherwise the attempt was
// answered already (a redelivery raced the first agent): the answer goes
// into census_attempts only, never over the newer one.
func (r *Remote) applyLate(o Outcome) (wait bool, err error) {
	info, err := r.app.FindRecordById(schema.CedulaInfoCollection, o.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil // its user was deleted: nothing to keep
	}
	if err != nil {
		return false, fmt.Errorf("load check %s: %w", o.ID, err)
	}
	if census.IsInFlight(info.GetString("status")) && census.Attempt(info) == o.Attempt &&
		info.GetDateTime("requested_at").Time().UnixNano() == o.Round {
		return true, nil
	}
	col, err := r.app.FindCachedCollectionByNameOrId(schema.AttemptsCollection)
	if err != nil {
		return false, err
	}
	elapsed := o.Elapsed()
	a := core.NewRecord(col)
	a.Set("user", info.GetString("user"))
	a.Set("cedula", o.Cedula)
	a.Set("attempt", o.Attempt)
	a.Set("source", r.cfg.Source)
	a.Set("duration_ms", elapsed.Milliseconds())
	a.Set("started_at", time.Now().Add(-elapsed).UTC())
	note := "late answer from agent " + o.Agent + ": attempt already answered, not applied"
	if o.Result != nil {
		a.Set("outcome", string(o.Result.Outcome))
		a.Set("success", true)
		a.Set("raw_response", o.Result.Raw)
		a.Set("message", note)
	} else {
		a.Set("outcome", o.Class)
		a.Set("message", note+": "+o.Message)
	}
	if err := r.app.Save(a); err != nil {
		return false, fmt.Errorf("record late answer of %s: %w", o.ID, err)
	}
	r.log.Warn("late answer recorded, not applied", "cedula_info", o.ID, "attempt", o.Attempt, "agent", o.Agent)
	return false, nil
}
