package hooks

import (
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"github.com/padron/padron/campaign"
	"github.com/padron/padron/habeas"
	"github.com/padron/padron/schema"
)

// claimantKinds are the body keys a cédula claim may carry, with their
// types: the registration's, authorisations included, without the
// invitation and the goal.
var claimantKinds = map[string]kind{
	"name": kindText, "cedula": kindText, "phone": kindText, core.FieldNameEmail: kindText,
	core.FieldNamePassword: kindText, "passwordConfirm": kindText, bodyPolicyAccepted: kindBool,
	bodyPolicySHA: kindText, bodyContact: kindBool, bodyContactSHA: kindText,
}

var (
	errCedulaNotRegistered = validation.NewError("cedula_not_registered",
		"Esta cédula no está registrada: puedes registrarte directamente.")
	// errClaimPolicyRequired is errPolicyRequired worded for the claim form,
	// whose button is "Enviar reporte" (validate.js POLICY_REQUIRED.reclamo).
	errClaimPolicyRequired = validation.NewError("data_policy_required",
		"Debes aceptar la política de tratamiento de datos personales para enviar tu reporte.")
)

// bindClaimValidation checks a cédula claim as strictly as a registration,
// in Spanish per field: the claimant becomes a member when a superuser
// hands the cédula over. The authorisations are the registration's, with
// the hashes of the texts shown (an outdated text is refused with
// policy_outdated); the transfer records them as consents. Whether the
// cédula is registered is told last, as the registration does; who holds
// it is never told.
func bindClaimValidation(app core.App) {
	app.OnRecordCreateRequest(schema.ClaimsCollection).BindFunc(func(e *core.RecordRequestEvent) error {
		if e.HasSuperuserAuth() {
			if plain, held := heldPassword(e.RequestEvent, e.Record); held && plain != "" {
				if err := setCheckedPassword(e.Record, plain); err != nil {
					return e.BadRequestError(msgInvalidForm, validation.Errors{core.FieldNamePassword: err})
				}
			}
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
		plain, held := heldPassword(e.RequestEvent, rec)
		checkPersonFields(e.App, rec, body, plain, errs, true)
		texts := habeas.TextsFor(campaign.Read(e.App))
		if !rawTrue(body[bodyPolicyAccepted]) {
			setOnce(errs, bodyPolicyAccepted, errClaimPolicyRequired)
		}
		checkShownText(body, bodyPolicySHA, texts.Processing, errs)
		contact := rawTrue(body[bodyContact])
		if contact {
			checkShownText(body, bodyContactSHA, texts.Messaging, errs)
		}
		if len(errs) == 0 {
			if _, err := e.App.FindFirstRecordByData(schema.UsersCollection, "cedula", rec.GetString("cedula")); err != nil {
				errs["cedula"] = errCedulaNotRegistered
			}
		}
		if len(errs) > 0 {
			return e.BadRequestError(msgInvalidForm, errs)
		}
		if held && plain != "" {
			if err := setCheckedPassword(rec, plain); err != nil {
				return e.BadRequestError(msgInvalidForm, validation.Errors{core.FieldNamePassword: err})
			}
		}
		rec.Set("status", "open")
		// What the claimant authorised, as the registration records it: the
		// version and the hashes of the texts in force (the ones shown, or
		// checked equal to them).
		rec.Set("data_policy_version", texts.Version)
		rec.Set(bodyPolicySHA, texts.Processing.SHA256)
		rec.Set(bodyContact, contact)
		rec.Set(bodyContactSHA, "")
		if contact {
			rec.Set(bodyContactSHA, texts.Messaging.SHA256)
		}
		for _, f := range []string{"new_user", "replaced", "resolution_note", "resolved_at"} {
			rec.Set(f, nil)
		}
		return e.Next()
	})
}
