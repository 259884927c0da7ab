package worker

import (
	"context"

	"math/rand/v2"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/padron/padron/migrations"
	"github.com/padron/padron/scraper"
)

// statusByOutcome maps the registrar's answer to the record's final status.
var statusByOutcome = map[scraper.Outcome]string{
	scraper.OutcomeFound:             migrations.StatusActive,
	scraper.OutcomeNotFound:          migrations.StatusNotFound,
	scraper.OutcomeCancelledDeceased: migrations.StatusCancelledDeceased,
	scraper.OutcomeCancelledOther:    migrations.StatusCancelledOther,
}

// retryable classes are worth another attempt after a backoff.
var retryable = []error{scraper.ErrTimeout, scraper.ErrBlocked, scraper.ErrTransient, scraper.ErrCaptcha}

// Spanish messages a person reads on the record; the English detail goes to
// the logs and the attempt history.
var personMessage = map[error]string{
	scraper.ErrBlocked:       "La Registraduría bloqueó temporalmente la consulta.",
	scraper.ErrTimeout:       "La Registraduría no respondió a tiempo.",
	scraper.ErrCaptcha:       "No se pudo resolver el captcha de la Registraduría.",
	scraper.ErrCaptchaConfig: "El servicio de captcha no está configurado correctamente (clave o saldo). Un administrador debe revisarlo.",
	scraper.ErrTransient:     "La Registraduría tuvo una falla momentánea.",
	scraper.ErrSiteChanged:   "La página de la Registraduría cambió y no pudimos leer la respuesta. Un administrador debe revisarlo.",
}

// run performs one attempt of a claimed check and saves its outcome.
func (w *Worker) run(info *core.Record) {
	user, err := w.app.FindRecordById(migrations.UsersCollection, info.GetString("user"))
	if err != nil {
		w.log.Error("claimed check has no user", "cedula_info", info.Id, "error", err)
		return
	}
	cedula := user.GetString("cedula")

	ctx, cancel := context.WithTimeout(w.runCtx, w.cfg.CheckTimeout)
	defer cancel()
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
	if err := w.save(info.Id, cedula, res, lerr, elapsed); err != nil {
		w.log.Error("save census result", "cedula_info", info.Id, "error", err)
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
				if ok, err := w.renew(id); err != nil || !ok {
					w.log.Warn("lease lost while checking", "cedula_info", id, "error", err)
				}
			}
		}
	}()
	return cancel
}

// save applies one attempt's outcome to the record and writes the attempt
// history in one transaction, only if the lease is still ours.
func (w *Worker) save(id, cedula string, res scraper.Result, lerr error, elapsed time.Duration) error {
	now := w.cfg.Clock.Now()
	class := scraper.ClassOf(lerr)
	w.observe(class, lerr)

	return w.app.RunInTransaction(func(tx core.App) error {
		info, err := tx.FindRecordById(migrations.CedulaInfoCollection, id)
		if err != nil {
			return err
		}
		if info.GetString("status") != migrations.StatusProcessing || info.GetString("lease_owner") != w.owner {
			w.log.Warn("dropping result of a check whose lease moved on", "cedula_info", id)
			return nil
		}
		attempt := info.GetInt("attempts") + 1
		info.Set("attempts", attempt)
		info.Set("lease_owner", "")
		info.Set("lease_until", nil)

		if lerr == nil {
			applyAnswer(info, res, now)
		} else {
			w.applyFailure(info, class, lerr, attempt, now)
		}
		if err := tx.Save(info); err != nil {
			return err
		}
		return w.recordAttempt(tx, info, cedula, attempt, res, lerr, elapsed, now)
	})
}

func applyAnswer(info *core.Record, res scraper.Result, now time.Time) {
	info.Set("status", statusByOutcome[res.Outcome])
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
}

func (w *Worker) applyFailure(info *core.Record, class, lerr error, attempt int, now time.Time) {
	msg := personMessage[class]
	if msg == "" {
		msg = "La consulta falló por un error inesperado."
	}
	if isRetryable(class) && attempt < w.cfg.MaxAttempts {
		info.Set("status", migrations.StatusPending)
		info.Set("next_attempt_at", now.Add(w.retryDelay(attempt)).UTC())
		info.Set("error_message", msg+" Lo intentaremos de nuevo automáticamente.")
		return
	}
	info.Set("status", finalStatus(class))
	info.Set("next_attempt_at", nil)
	info.Set("error_message", msg)
	if ev := scraper.EvidenceOf(lerr); ev != nil && ev.Response != "" {
		info.Set("raw_response", ev.Response)
	}
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

func isRetryable(class error) bool {
	for _, c := range retryable {
		if class == c {
			return true
		}
	}
	return false
}

// finalStatus is the record's status after the last failed attempt.
func finalStatus(class error) string {
	switch class {
	case scraper.ErrTimeout:
		return migrations.StatusTimeout
	case scraper.ErrBlocked:
		return migrations.StatusBlocked
	default:
		return migrations.StatusError
	}
}

// observe feeds the breaker and logs what an admin must act on, once.
func (w *Worker) observe(class, lerr error) {
	switch {
	case lerr == nil:
		w.breaker.Answered()
		w.configWarned.Store(false)
	case class == scraper.ErrBlocked:
		w.breaker.Blocked()
	case class == scraper.ErrCaptchaConfig:
		w.breaker.Release()
		if w.configWarned.CompareAndSwap(false, true) {
			w.log.Error("CAPTCHA SERVICE MISCONFIGURED: census checks fail until an admin fixes PADRON_CAPTCHA_KEY / PADRON_CAPTCHA_URL (key, balance)",
				"error", lerr)
		}
	case class == scraper.ErrSiteChanged, class == scraper.ErrTransient:
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
