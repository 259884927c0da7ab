package worker

import (
	"context"
	"database/sql"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/padron/padron/census"
	"github.com/padron/padron/schema"
)

// run performs one attempt of a claimed check and saves its outcome.
func (w *Worker) run(info *core.Record) {
	user, err := w.app.FindRecordById(schema.UsersCollection, info.GetString("user"))
	if err != nil {
		w.breaker.Release() // the registrar was not asked: free a probe slot
		if errors.Is(err, sql.ErrNoRows) {
			// Deleted since the claim (habeas data), with its record.
			w.log.Info("dropping a check whose user was deleted", "cedula_info", info.Id)
			return
		}
		w.log.Error("load the user of a claimed check", "cedula_info", info.Id, "error", err)
		return
	}
	cedula := user.GetString("cedula")

	tctx, cancel := context.WithTimeout(w.runCtx, w.cfg.CheckTimeout)
	defer cancel()
	ctx, stopCheck := context.WithCancelCause(census.WithCheck(tctx, census.CheckRef{ID: info.Id, Attempt: census.Attempt(info),
		Round: info.GetDateTime("requested_at").Time().UnixNano()}))
	defer stopCheck(nil)
	w.checks.Store(info.Id, stopCheck)
	defer w.checks.Delete(info.Id)
	if w.deleted(info.Id) { // deleted between the claim and now
		w.breaker.Release()
		w.log.Info("dropping a check whose user was deleted", "cedula_info", info.Id)
		return
	}
	stopRenew := w.keepLease(ctx, info.Id)
	defer stopRenew()

	start := w.cfg.Clock.Now()
	res, lerr := w.lookup.Lookup(ctx, cedula)
	elapsed := w.cfg.Clock.Since(start)

	if lerr != nil && w.runCtx.Err() != nil {
		// Shutdown, not the registrar: no attempt is spent; Stop releases it.
		w.breaker.Release()
		return
	}
	if errors.Is(context.Cause(ctx), errUserDeleted) {
		w.breaker.Release()
		w.log.Info("lookup stopped: its user was deleted during the check", "cedula_info", info.Id)
		if s, ok := w.lookup.(census.Settler); ok {
			s.Settled(ctx, nil) // nothing to store: a broker's agent may ack
		}
		return
	}
	err = w.save(info.Id, cedula, res, lerr, elapsed)
	if err != nil {
		w.log.Error("save census result", "cedula_info", info.Id, "error", err)
	}
	if s, ok := w.lookup.(census.Settler); ok {
		s.Settled(ctx, err)
	}
}

// keepLease renews the lease while the attempt runs.
func (w *Worker) keepLease(ctx context.Context, id string) func() {
	ctx, cancel := context.WithCancel(ctx)
	go func() {
		t := w.cfg.Clock.NewTicker(w.cfg.Lease / 3)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.Chan():
				ok, err := census.Renew(w.app, id, w.owner, w.cfg.Clock.Now(), w.cfg.Lease)
				switch {
				case err != nil:
					w.log.Warn("renew lease", "cedula_info", id, "error", err)
				case !ok && w.deleted(id):
					w.log.Info("user deleted during a check; its result will be dropped", "cedula_info", id)
				case !ok:
					w.log.Warn("lease lost while checking", "cedula_info", id)
				}
			}
		}
	}()
	return cancel
}

// deleted reports whether the record is gone (its user was deleted).
func (w *Worker) deleted(id string) bool {
	_, err := w.app.FindRecordById(schema.CedulaInfoCollection, id)
	return errors.Is(err, sql.ErrNoRows)
}

// save applies one attempt's outcome to the record and writes the attempt
// history in one transaction, only if the lease is still ours. A record
// deleted meanwhile (its user left) drops the result.
func (w *Worker) save(id, cedula string, res census.Result, lerr error, elapsed time.Duration) error {
	now := w.cfg.Clock.Now()
	w.observe(census.ClassOf(lerr), lerr)

	return w.app.RunInTransaction(func(tx core.App) error {
		info, err := tx.FindRecordById(schema.CedulaInfoCollection, id)
		if errors.Is(err, sql.ErrNoRows) {
			w.log.Info("dropping result of a check whose user was deleted", "cedula_info", id)
			return nil
		}
		if err != nil {
			return err
		}
		if !census.HeldBy(info, w.owner) {
			w.log.Warn("dropping result of a check whose lease moved on", "cedula_info", id)
			return nil
		}
		attempt := census.Attempt(info)
		if lerr == nil {
			err = census.StoreAnswer(tx, info, res, now)
		} else {
			var retryAt time.Time
			if attempt < w.cfg.MaxAttempts {
				retryAt = now.Add(w.retryDelay(attempt))
			}
			err = census.StoreFailure(tx, info, lerr, retryAt)
		}
		if err != nil {
			return err
		}
		return w.recordAttempt(tx, info, cedula, attempt, res, lerr, elapsed, now)
	})
}

// retryDelay is the wait after the given failed attempt (1-based), with up
// to RetryJitter of it added at random.
func (w *Worker) retryDelay(attempt int) time.Duration {
	d := w.cfg.RetryDelays[min(attempt-1, len(w.cfg.RetryDelays)-1)]
	if w.cfg.RetryJitter > 0 && d > 0 {
		d += time.Duration(rand.Float64() * w.cfg.RetryJitter * float64(d))
	}
	return d
}

// observe feeds the breaker and logs what an admin must act on, once.
func (w *Worker) observe(class, lerr error) {
	if w.cfg.AgentBreakers {
		w.breaker.Release() // each agent's own breaker judges blocks
		if class == census.ErrCaptchaConfig && w.configWarned.CompareAndSwap(false, true) {
			w.log.Error("CAPTCHA SERVICE MISCONFIGURED on an agent: its checks fail until its PADRON_CAPTCHA_KEY / PADRON_CAPTCHA_URL are fixed", "error", lerr)
		}
		return
	}
	switch {
	case lerr == nil:
		w.breaker.Answered()
		w.configWarned.Store(false)
	case class == census.ErrBlocked:
		w.breaker.Blocked()
	case class == census.ErrCaptchaConfig:
		w.breaker.Release()
		if w.configWarned.CompareAndSwap(false, true) {
			w.log.Error("CAPTCHA SERVICE MISCONFIGURED: census checks fail until an admin fixes PADRON_CAPTCHA_KEY / PADRON_CAPTCHA_URL (key, balance)",
				"error", lerr)
		}
	case class == census.ErrSiteChanged, class == census.ErrTransient:
		w.breaker.Answered() // the site answered, just not usefully
		w.log.Warn("census check failed", "class", errName(class), "error", lerr)
	default:
		w.breaker.Release()
		w.log.Warn("census check failed", "class", errName(class), "error", lerr)
	}
}

func errName(class error) string {
	if class == nil {
		return "unknown"
	}
	return class.Error()
}
