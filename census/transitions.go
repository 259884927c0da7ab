package census

import (
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/padron/padron/schema"
)

// answerFields hold the registrar's answer on a record; a new cédula makes
// all of them stale.
var answerFields = []string{
	"departamento", "municipio", "puesto", "direccion", "mesa",
	"novedad", "resolucion", "fecha_novedad", "fetched_at", "error_message",
	"raw_response", "next_attempt_at",
}

// stamp formats t the way PocketBase stores dates, so raw SQL can compare them.
func stamp(t time.Time) string { return t.UTC().Format(types.DefaultDateLayout) }

// Create gives a new user their record, pending as a first check queued
// for whoever invited them, so a user never exists without one; app is the
// transaction that creates the user.
func Create(app core.App, user *core.Record) (*core.Record, error) {
	col, err := app.FindCachedCollectionByNameOrId(schema.CedulaInfoCollection)
	if err != nil {
		return nil, fmt.Errorf("cedula_info collection: %w", err)
	}
	info := core.NewRecord(col)
	info.Set("user", user.Id)
	info.Set("status", StatusPending)
	setRequest(info, FirstCheck(user))
	if err := app.Save(info); err != nil {
		return nil, fmt.Errorf("create cedula_info for user %s: %w", user.Id, err)
	}
	return info, nil
}

// Reset forgets the answer about a user's previous cédula: the record goes
// back to pending with no attempts, as a first check. A user without a
// record gets one.
func Reset(app core.App, user *core.Record) error {
	info, err := app.FindFirstRecordByData(schema.CedulaInfoCollection, "user", user.Id)
	if err != nil {
		// A user from before cedula_info existed, or one whose row was deleted.
		_, err := Create(app, user)
		return err
	}
	for _, f := range answerFields {
		info.Set(f, nil)
	}
	info.Set("status", StatusPending)
	info.Set("attempts", 0)
	setRequest(info, FirstCheck(user))
	if err := app.Save(info); err != nil {
		return fmt.Errorf("reset cedula_info for user %s: %w", user.Id, err)
	}
	return nil
}

// InFlightError says a check of a record is already pending or processing,
// so no other is queued.
type InFlightError struct{ State string }

func (e *InFlightError) Error() string { return "check already " + e.State }

// Queue asks for a check of info now, for req's kind and requester, unless
// one is already in flight; it reports whether it queued one. The previous
// answer stays visible until the new one replaces it. It does not wake the
// worker: callers that batch wake it once after the commit.
func Queue(app core.App, info *core.Record, now time.Time, req Request) (bool, error) {
	err := QueueUnless(app, info, now, req, nil)
	if _, inFlight := errors.AsType[*InFlightError](err); inFlight {
		return false, nil
	}
	return err == nil, err
}

// QueueUnless is Queue for a caller with a condition of its own (the API's
// cooldown): a check in flight is an *InFlightError, and only when there is
// none is unless asked why info may not be queued now (nil: no condition).
// Its refusal is returned as it is, and nothing is saved.
func QueueUnless(app core.App, info *core.Record, now time.Time, req Request, unless func(*core.Record) error) error {
	if st := info.GetString("status"); IsInFlight(st) {
		return &InFlightError{State: st}
	}
	if unless != nil {
		if err := unless(info); err != nil {
			return err
		}
	}
	setRequest(info, req)
	info.Set("status", StatusPending)
	info.Set("attempts", 0)
	info.Set("next_attempt_at", nil)
	info.Set("error_message", "")
	info.Set("requested_at", now.UTC())
	// Stamp updated ourselves: a bulk refresh saves with hooks off, where
	// PocketBase's autodate does not run, and realtime clients order a
	// record's events by updated, so "pending" must sort after the answer
	// it replaces.
	stamped, err := types.ParseDateTime(now.UTC())
	if err != nil {
		return fmt.Errorf("queue check %s: %w", info.Id, err)
	}
	info.SetRaw("updated", stamped)
	if err := app.Save(info); err != nil {
		return fmt.Errorf("queue check %s: %w", info.Id, err)
	}
	return nil
}

// Claim takes the next due check for owner with a compare-and-set, so two
// claimers never take the same one, holding it until now+lease; then it
// re-saves the record through app so realtime subscribers see
// "processing". It returns nil when nothing is due.
//
// The order is fair (see Kind): first checks before refreshes before
// revalidations; within a kind, the requester served longest ago goes
// next, so requesters take turns and one leader's bulk refresh of 500 does
// not hold back another's five; a requester's own checks go most overdue
// first.
func Claim(app core.App, owner string, now time.Time, lease time.Duration) (*core.Record, error) {
	var id string
	err := app.NonconcurrentDB().NewQuery(`
		UPDATE {{cedula_info}}
		SET [[status]] = {:processing}, [[lease_owner]] = {:owner}, [[lease_until]] = {:until}, [[claimed_at]] = {:now}
		WHERE [[id]] = (
			WITH [[due]] AS (
				SELECT [[id]], [[queued_by]], [[next_attempt_at]], [[requested_at]],
					CASE [[queue_kind]] WHEN {:first} THEN 0 WHEN {:revalidate} THEN 2 ELSE 1 END AS [[rank]]
				FROM {{cedula_info}}
				WHERE [[status]] = {:pending} AND ([[next_attempt_at]] = '' OR [[next_attempt_at]] <= {:now})
			),
			[[top]] AS (SELECT MIN([[rank]]) AS [[rank]] FROM [[due]]),
			[[who]] AS (
				SELECT [[r.queued_by]] FROM (
					SELECT [[queued_by]], MIN([[requested_at]]) AS [[oldest]] FROM [[due]]
					WHERE [[rank]] = (SELECT [[rank]] FROM [[top]]) GROUP BY [[queued_by]]
				) [[r]]
				ORDER BY (SELECT IFNULL(MAX([[x.claimed_at]]), '') FROM {{cedula_info}} [[x]] WHERE [[x.queued_by]] = [[r.queued_by]]),
					[[r.oldest]]
				LIMIT 1
			)
			SELECT [[id]] FROM [[due]]
			WHERE [[rank]] = (SELECT [[rank]] FROM [[top]]) AND [[queued_by]] = (SELECT [[queued_by]] FROM [[who]])
			ORDER BY [[next_attempt_at]], [[requested_at]]
			LIMIT 1
		) AND [[status]] = {:pending}
		RETURNING [[id]]`).Bind(dbx.Params{
		"first":      string(KindFirst),
		"revalidate": string(KindRevalidate),
		"processing": StatusProcessing,
		"pending":    StatusPending,
		"owner":      owner,
		"until":      stamp(now.Add(lease)),
		"now":        stamp(now),
	}).Row(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("claim: %w", err)
	}
	info, err := app.FindRecordById(schema.CedulaInfoCollection, id)
	if err != nil {
		return nil, fmt.Errorf("load claimed %s: %w", id, err)
	}
	if err := app.Save(info); err != nil { // fires realtime: processing
		return nil, fmt.Errorf("announce claim %s: %w", id, err)
	}
	return info, nil
}

// Renew extends owner's lease on a running check to now+lease; false means
// the check is no longer owner's (reclaimed, or its user deleted).
func Renew(app core.App, id, owner string, now time.Time, lease time.Duration) (bool, error) {
	res, err := app.NonconcurrentDB().NewQuery(`
		UPDATE {{cedula_info}} SET [[lease_until]] = {:until}
		WHERE [[id]] = {:id} AND [[lease_owner]] = {:owner} AND [[status]] = {:processing}`).Bind(dbx.Params{
		"until": stamp(now.Add(lease)), "id": id,
		"owner": owner, "processing": StatusProcessing,
	}).Execute()
	if err != nil {
		return false, fmt.Errorf("renew lease %s: %w", id, err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// HeldBy reports whether info is a running check whose lease owner holds,
// so a result is stored only by the claimer that still owns the check.
func HeldBy(info *core.Record, owner string) bool {
	return info.GetString("status") == StatusProcessing && info.GetString("lease_owner") == owner
}

// Release puts a claimed check back in the queue without spending an
// attempt (shutdown, a dead process, an expired lease).
func Release(app core.App, info *core.Record) error {
	info.Set("status", StatusPending)
	info.Set("lease_owner", "")
	info.Set("lease_until", nil)
	if err := app.Save(info); err != nil {
		return fmt.Errorf("release check %s: %w", info.Id, err)
	}
	return nil
}

// Attempt is the number of the attempt running on a claimed record, the
// first being 1; StoreAnswer and StoreFailure count it.
func Attempt(info *core.Record) int { return info.GetInt("attempts") + 1 }

// StoreAnswer ends a running check with the registrar's answer: its status,
// the polling place or novedad, and the raw answer.
func StoreAnswer(app core.App, info *core.Record, res Result, now time.Time) error {
	endAttempt(info)
	info.Set("status", StatusOf(res.Outcome))
	info.Set("departamento", res.Departamento)
	info.Set("municipio", res.Municipio)
	info.Set("puesto", res.Puesto)
	info.Set("direccion", res.Direccion)
	info.Set("mesa", res.Mesa)
	info.Set("novedad", res.Novedad)
	info.Set("resolucion", res.Resolucion)
	info.Set("fecha_novedad", res.FechaNovedad)
	info.Set("raw_response", res.Raw)
	info.Set("fetched_at", now.UTC())
	info.Set("error_message", "")
	info.Set("next_attempt_at", nil)
	if err := app.Save(info); err != nil {
		return fmt.Errorf("store answer %s: %w", info.Id, err)
	}
	return nil
}

// StoreFailure ends a failed attempt. A retryable failure with a non-zero
// retryAt goes back to the queue, due then; otherwise (the class is not
// worth retrying, or retryAt is zero because the attempts are spent) the
// check ends in FailedStatus. Either way the person reads Message, and a
// final failure keeps the site's raw answer, if there was one. The previous
// answer's fields are left as they were.
func StoreFailure(app core.App, info *core.Record, lerr error, retryAt time.Time) error {
	endAttempt(info)
	msg := Message(lerr)
	if Retryable(lerr) && !retryAt.IsZero() {
		info.Set("status", StatusPending)
		info.Set("next_attempt_at", retryAt.UTC())
		info.Set("error_message", msg+retryNote)
	} else {
		info.Set("status", FailedStatus(lerr))
		info.Set("next_attempt_at", nil)
		info.Set("error_message", msg)
		if ev := EvidenceOf(lerr); ev != nil && ev.Response != "" {
			info.Set("raw_response", ev.Response)
		}
	}
	if err := app.Save(info); err != nil {
		return fmt.Errorf("store failure %s: %w", info.Id, err)
	}
	return nil
}

// endAttempt counts the attempt that just ran and gives up its lease.
func endAttempt(info *core.Record) {
	info.Set("attempts", Attempt(info))
	info.Set("lease_owner", "")
	info.Set("lease_until", nil)
}
