package hooks

import (
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"github.com/padron/padron/campaign"
	"github.com/padron/padron/schema"
)

// claimantKinds are the body keys a cédula claim may carry, with their types.
var claimantKinds = map[string]kind{
	"name": kindText, "cedula": kindText, "phone": kindText, core.FieldNameEmail: kindText,
	core.FieldNamePassword: kindText, "passwordConfirm": kindText, bodyPolicyAccepted: kindBool,
}

var errCedulaNotRegistered = validation.NewError("cedula_not_registered",
	"Esta cédula no está registrada: puedes registrarte directamente.")

// bindClaimValidation checks a cédula claim as strictly as a registration,
// in Spanish per field: the claimant becomes a member when a superuser
// hands the cédula over. Whether the cédula is registered is told last, as
// the registration does; who holds it is never told.
func bindClaimValidation(app core.App) {
	app.OnRecordCreateRequest(schema.ClaimsCollection).BindFunc(func(e *core.RecordRequestEvent) error {
		if e.HasSuperuserAuth() {
			return e.Next()
		}
		body, err := rawBody(e.RequestEvent)
		if err != nil {
			return e.BadRequestError("No pudimos leer los datos enviados.", err)
		}
		rec := e.Record
		errs := validation.Errors{}
		for key, v := range body {
			k, allowed := claimantKinds[key]
			switch {
			case allowed && !isKind(v, k):
				errs[key] = wrongTypeErrors[key]
			case !allowed && isFieldKey(rec.Collection(), key):
				errs[key] = errServerOwned
			}
		}
		plain, _ := heldPassword(e.RequestEvent, rec)
		checkPersonFields(e.App, rec, body, plain, errs, true)
		if !rawTrue(body[bodyPolicyAccepted]) {
			setOnce(errs, bodyPolicyAccepted, errPolicyRequired)
		}
		if len(errs) == 0 {
			if _, err := e.App.FindFirstRecordByData(schema.UsersCollection, "cedula", rec.GetString("cedula")); err != nil {
				errs["cedula"] = errCedulaNotRegistered
			}
		}
		if len(errs) > 0 {
			return e.BadRequestError(msgInvalidForm, errs)
		}
		rec.Set("status", "open")
		rec.Set("data_policy_version", campaign.PolicyVersion(e.App))
		for _, f := range []string{"new_user", "replaced", "resolution_note", "resolved_at"} {
			rec.Set(f, nil)
		}
		return e.Next()
	})
}
