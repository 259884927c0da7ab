package routes

import (
	"cmp"
	"errors"
	"fmt"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/padron/padron/census"
	"github.com/padron/padron/schema"
)

// Waker is the part of the census worker a refresh request needs: a nudge
// after the queued records committed, and a realtime announce of records a
// bulk refresh queued with hooks off (a small batch before it returns).
type Waker interface {
	Wake()
	Announce(infoIDs []string)
}

// Reasons a refresh is refused; the routes turn them into HTTP answers.
var (
	// ErrNotAllowed: a member asked about someone else's record.
	ErrNotAllowed = errors.New("record belongs to someone else")
	// ErrNotYourReferral: a leader asked about a user they did not refer, or
	// about a user that does not exist (the two must look the same).
	ErrNotYourReferral = errors.New("not one of the caller's referrals")
	// ErrNoRecord: the caller has no census record of their own (superusers).
	ErrNoRecord = errors.New("no census record")
)

// CooldownError says the record was checked too recently to check again.
type CooldownError struct{ Wait time.Duration }

func (e *CooldownError) Error() string { return fmt.Sprintf("in cooldown for %s", e.Wait) }

// RetryAfterSeconds is Wait in whole seconds, rounded up, for Retry-After.
func (e *CooldownError) RetryAfterSeconds() int {
	return int((e.Wait + time.Second - 1) / time.Second)
}

// refresher queues census checks requested through the API, enforcing who
// may ask for which record, the in-flight rule and the cooldown.
type refresher struct {
	queue    Waker
	cooldown time.Duration
	daily    *dailyLimit
	now      func() time.Time
}

func newRefresher(d Deps) *refresher {
	r := &refresher{queue: d.Queue, cooldown: d.RefreshCooldown, daily: newDailyLimit(d.RefreshDailyLimit), now: d.Now}
	if r.cooldown == 0 {
		r.cooldown = RefreshCooldownDefault
	}
	if r.now == nil {
		r.now = time.Now
	}
	return r
}

// lastCheck is the latest moment a check of info was requested or answered:
// requested_at (set when queued), fetched_at (set on an answer) and updated
// (every outcome, failures included, is a save of the record; so is a
// superuser's edit, which then also counts as a check).
func lastCheck(info *core.Record) time.Time {
	last := info.GetDateTime("requested_at").Time()
	for _, f := range []string{"fetched_at", "updated"} {
		if t := info.GetDateTime(f).Time(); t.After(last) {
			last = t
		}
	}
	return last
}

// coolingDown is the API's own condition for queueing a record at now,
// asked by census.QueueUnless once no check is in flight (census owns that
// rule): a *CooldownError while the record was checked too recently.
func (r *refresher) coolingDown(now time.Time) func(*core.Record) error {
	return func(info *core.Record) error {
		if r.cooldown != RefreshCooldownOff {
			if wait := lastCheck(info).Add(r.cooldown).Sub(now); wait > 0 {
				return &CooldownError{Wait: wait}
			}
		}
		return nil
	}
}

// refreshable is userID's census record when who may ask for a new check
// of it: the users and cedula_info view rules must show them both. A
// refusal is ErrNotAllowed for a member; for a leader or a superuser it is
// ErrNotYourReferral, the same whether or not the user exists.
func (who caller) refreshable(app core.App, userID string) (*core.Record, error) {
	refusal := ErrNotAllowed
	switch {
	case who.id == userID && who.superuser:
		refusal = ErrNoRecord
	case who.leader || who.superuser:
		refusal = ErrNotYourReferral
	}
	user, err := app.FindRecordById(schema.UsersCollection, userID)
	if err != nil {
		return nil, refusal
	}
	if ok, err := who.mayView(app, user); err != nil || !ok {
		return nil, cmp.Or(err, refusal)
	}
	info, err := app.FindFirstRecordByData(schema.CedulaInfoCollection, "user", userID)
	if err != nil {
		return nil, fmt.Errorf("cedula_info of %s: %w", userID, ErrNoRecord)
	}
	if ok, err := who.mayView(app, info); err != nil || !ok {
		return nil, cmp.Or(err, refusal)
	}
	return info, nil
}

// refreshOne queues a check of userID's record for who, in one transaction,
// and wakes the worker after the commit. It returns the queued record.
func (r *refresher) refreshOne(app core.App, who caller, userID string) (*core.Record, error) {
	var queued *core.Record
	err := app.RunInTransaction(func(tx core.App) error {
		info, err := who.refreshable(tx, userID)
		if err != nil {
			return err
		}
		now := r.now()
		own := userID == who.id && !who.superuser
		unless := r.coolingDown(now)
		if own {
			cooling := unless
			unless = func(info *core.Record) error {
				if err := cooling(info); err != nil {
					return err
				}
				return r.daily.check(who.id, now)
			}
		}
		if err := census.QueueUnless(tx, info, now, census.Request{Kind: census.KindRefresh, By: who.id}, unless); err != nil {
			return fmt.Errorf("refresh %s: %w", userID, err)
		}
		if own {
			r.daily.note(who.id, now)
		}
		queued = info
		return nil
	})
	if err != nil {
		return nil, err
	}
	r.wake()
	return queued, nil
}

func (r *refresher) wake() {
	if r.queue != nil {
		r.queue.Wake()
	}
}
