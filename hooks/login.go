package hooks

import (
	"github.com/padron/padron/schema"
	"github.com/pocketbase/pocketbase/core"

	"github.com/padron/padron/cedula"
)

// bindCedulaLogin lets people log in with their cédula as they type it
// ("1.102.812.122"), not only in the stored digits-only form.
func bindCedulaLogin(app core.App) {
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
