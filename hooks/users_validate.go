package hooks

import (
	"strings"
	"time"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/ozzo-validation/v4/is"
	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cast"

	"github.com/padron/padron/cedula"
	"github.com/padron/padron/migrations"
)

// PolicyVersion is the data-processing policy a registrant accepts today;
// bump it when the policy text changes so records show which one was accepted.
const PolicyVersion = "2026-11"

// Body keys the registration form sends that are not record fields.
const (
	bodyPolicyAccepted = "data_policy_accepted"
	bodyReferralCode   = "ref"
)

// serverOwned fields are set by the server, never by a registrant or member.
var serverOwned = []string{"role", "referral_code", "referred_by", "data_policy_accepted_at", "data_policy_version", "verified"}

// memberEditable are the only body keys a member may send when updating
// their own record.
var memberEditable = map[string]bool{
	"name": true, "phone": true, "password": true, "passwordConfirm": true,
	"oldPassword": true, "referral_goal": true,
}

var (
	errServerOwned     = validation.NewError("field_not_allowed", "Este dato lo asigna el sistema; no se puede enviar.")
	errNotEditable     = validation.NewError("field_not_editable", "Este dato no se puede modificar desde tu cuenta.")
	errPolicyRequired  = validation.NewError("data_policy_required", "Debes aceptar la política de tratamiento de datos personales para registrarte.")
	errUnknownReferral = validation.NewError("unknown_referral_code", "El enlace de invitación no es válido. Pide a quien te invitó que te comparta su enlace de nuevo.")
	errCedulaTaken     = validation.NewError("cedula_taken", "Esta cédula ya está registrada. Si es tuya, inicia sesión.")
	errEmailInvalid    = validation.NewError("email_invalid", "Ingresa un correo electrónico válido o déjalo vacío.")
	errEmailTaken      = validation.NewError("email_taken", "Este correo ya está registrado.")
	errPasswordLength  = validation.NewError("password_length", "La contraseña debe tener entre 8 y 71 caracteres.")
	errPasswordConfirm = validation.NewError("password_mismatch", "Las contraseñas no coinciden.")
	errGoalInvalid     = validation.NewError("referral_goal_invalid", "La meta de referidos debe ser un número entero entre 0 y 100000.")
)

// msgInvalidForm is the top-level message of every rejected registration or
// profile change; the per-field details are in the error's data.
const msgInvalidForm = "Revisa los datos marcados e inténtalo de nuevo."

func bindUserValidation(app core.App) {
	app.OnRecordCreateRequest(migrations.UsersCollection).BindFunc(validateRegistration)
	app.OnRecordUpdateRequest(migrations.UsersCollection).BindFunc(validateProfileUpdate)
}

// validateRegistration normalises and checks a users create request before
// PocketBase's own validation, so people get Spanish per-field messages.
func validateRegistration(e *core.RecordRequestEvent) error {
	info, err := e.RequestInfo()
	if err != nil {
		return e.BadRequestError("No pudimos leer los datos enviados.", err)
	}
	super := e.HasSuperuserAuth()
	body := info.Body
	rec := e.Record
	errs := validation.Errors{}

	if !super {
		for _, f := range serverOwned {
			if _, ok := body[f]; ok {
				errs[f] = errServerOwned
			}
		}
	}
	checkPersonFields(e.App, rec, body, errs, true)

	if !super {
		if !cast.ToBool(body[bodyPolicyAccepted]) {
			errs[bodyPolicyAccepted] = errPolicyRequired
		} else {
			rec.Set("data_policy_accepted_at", time.Now().UTC())
			rec.Set("data_policy_version", PolicyVersion)
		}
		rec.Set("role", migrations.RoleMember)
		rec.Set("referral_code", "") // always server-generated
	} else if rec.GetString("role") == "" {
		rec.Set("role", migrations.RoleMember)
	}

	if code := strings.TrimSpace(cast.ToString(body[bodyReferralCode])); code != "" {
		referrer, err := e.App.FindFirstRecordByData(migrations.UsersCollection, "referral_code", code)
		if err != nil {
			errs[bodyReferralCode] = errUnknownReferral
		} else {
			rec.Set("referred_by", referrer.Id)
		}
	}
	if _, ok := body["referral_goal"]; !ok {
		rec.Set("referral_goal", migrations.DefaultReferralGoal)
	}

	if len(errs) > 0 {
		return e.BadRequestError(msgInvalidForm, errs)
	}
	return e.Next()
}

// validateProfileUpdate lets a member change only their own editable fields;
// superusers (the admin dashboard) may change anything, still normalised.
func validateProfileUpdate(e *core.RecordRequestEvent) error {
	info, err := e.RequestInfo()
	if err != nil {
		return e.BadRequestError("No pudimos leer los datos enviados.", err)
	}
	errs := validation.Errors{}
	if !e.HasSuperuserAuth() {
		for key := range info.Body {
			if !memberEditable[key] {
				errs[key] = errNotEditable
			}
		}
	}
	checkPersonFields(e.App, e.Record, info.Body, errs, false)
	if len(errs) > 0 {
		return e.BadRequestError(msgInvalidForm, errs)
	}
	return e.Next()
}

// checkPersonFields normalises name, cédula, phone, email, password and goal
// in place and records a Spanish message for each one that is invalid. On an
// update only fields that changed are checked.
func checkPersonFields(app core.App, rec *core.Record, body map[string]any, errs validation.Errors, isNew bool) {
	orig := rec.Original()
	changed := func(field string) bool {
		return isNew || rec.GetRaw(field) != orig.GetRaw(field)
	}

	if changed("name") {
		if v, err := normalizeName(rec.GetString("name")); err != nil {
			errs["name"] = err
		} else {
			rec.Set("name", v)
		}
	}
	if changed("cedula") {
		v, err := cedula.Normalize(rec.GetString("cedula"))
		if ce, ok := cedula.AsError(err); ok {
			errs["cedula"] = validation.NewError(ce.Code, ce.Message)
		} else {
			rec.Set("cedula", v)
			if taken(app, "cedula", v, rec.Id) {
				errs["cedula"] = errCedulaTaken
			}
		}
	}
	if changed("phone") {
		if v, err := normalizePhone(rec.GetString("phone")); err != nil {
			errs["phone"] = err
		} else {
			rec.Set("phone", v)
		}
	}
	if changed(core.FieldNameEmail) {
		email := strings.TrimSpace(rec.Email())
		rec.SetEmail(email)
		switch {
		case email == "":
		case is.EmailFormat.Validate(email) != nil:
			errs[core.FieldNameEmail] = errEmailInvalid
		case taken(app, core.FieldNameEmail, email, rec.Id):
			errs[core.FieldNameEmail] = errEmailTaken
		}
	}
	if pw, ok := rec.GetRaw(core.FieldNamePassword).(*core.PasswordFieldValue); ok && pw.Plain != "" {
		if n := len(pw.Plain); n < 8 || n > 71 {
			errs[core.FieldNamePassword] = errPasswordLength
		} else if cast.ToString(body[core.FieldNamePassword+"Confirm"]) != pw.Plain {
			errs[core.FieldNamePassword+"Confirm"] = errPasswordConfirm
		}
	}
	if changed("referral_goal") {
		g := rec.GetFloat("referral_goal")
		if g < 0 || g > 100000 || g != float64(int64(g)) {
			errs["referral_goal"] = errGoalInvalid
		}
	}
}

// taken reports whether another user already holds value in field.
func taken(app core.App, field, value, selfID string) bool {
	other, err := app.FindFirstRecordByData(migrations.UsersCollection, field, value)
	if err != nil {
		return false
	}
	return other.Id != selfID
}
