package hooks

import (
	"errors"
	"net/http"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/padron/padron/cedula"
	"github.com/padron/padron/schema"
)

// bindCedulaLogin lets people log in with their cédula as they type it
// ("1.102.812.122"), not only in the stored digits-only form, and throttles
// password guessing per account: after LoginMaxFailuresDefault failures
// within LoginFailureWindowDefault, from any address, the account's logins
// answer 429 with retry_after until the lock ends.
func bindCedulaLogin(app core.App) {
	throttle := newLoginThrottle(nil)
	app.OnRecordAuthWithPasswordRequest(schema.UsersCollection).BindFunc(func(e *core.RecordAuthWithPasswordRequestEvent) error {
		key := throttleKey(e.Identity)
		if wait := throttle.locked(key); wait > 0 {
			return errLoginLocked(wait)
		}
		err := e.Next()
		var apiErr *router.ApiError
		switch {
		case err == nil:
			throttle.succeeded(key)
		case errors.As(err, &apiErr) && apiErr.Status == http.StatusBadRequest:
			throttle.failed(key) // wrong password or unknown account
		}
		return err
	})
	app.OnRecordAuthWithPasswordRequest(schema.UsersCollection).BindFunc(func(e *core.RecordAuthWithPasswordRequestEvent) error {
		if e.Record == nil && (e.IdentityField == "" || e.IdentityField == "cedula") {
			if digits, err := cedula.Normalize(e.Identity); err == nil {
				if rec, err := e.App.FindFirstRecordByData(schema.UsersCollection, "cedula", digits); err == nil {
					e.Record = rec
				}
			}
		}
		return e.Next()
	})
}
