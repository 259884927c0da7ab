package hooks

import (
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/ozzo-validation/v4/is"
	"github.com/pocketbase/pocketbase/core"

	"github.com/padron/padron/campaign"
	"github.com/padron/padron/cedula"
	"github.com/padron/padron/habeas"
	"github.com/padron/padron/schema"
)

// Body keys the registration form sends that are not record fields.
const (
	bodyPolicyAccepted = "data_policy_accepted"
	bodyReferralCode   = "ref"
	// bodyPolicySHA is the sha256 of the authorisation text the form showed.
	bodyPolicySHA = "data_policy_sha256"
	// bodyContact is the optional authorisation to be contacted by WhatsApp or SMS (a users field).
	bodyContact = "contact_consent"
	// bodyContactSHA is the sha256 of the messaging text the form showed.
	bodyContactSHA = "contact_consent_sha256"
)

// registrantKinds are the only body keys a registrant may send that set
// something, with the type each must have. Any other key that names a
// users field (role, referral_code, id, emailVisibility, verified, ... or a
// modifier such as "referral_goal+") is refused: the server sets those.
var registrantKinds = map[string]kind{
	"name": kindText, "cedula": kindText, "phone": kindText,
	core.FieldNameEmail: kindText, core.FieldNamePassword: kindText, "passwordConfirm": kindText,
	"referral_goal": kindNumber, bodyPolicyAccepted: kindBool, bodyReferralCode: kindText,
	bodyPolicySHA: kindText, bodyContact: kindBool, bodyContactSHA: kindText,
}

// memberKinds are the only body keys a member may send when updating their
// own record, with the type each must have.
var memberKinds = map[string]kind{
	"name": kindText, "phone": kindText, core.FieldNamePassword: kindText,
	"passwordConfirm": kindText, "oldPassword": kindText, "referral_goal": kindNumber,
}

var (
	errServerOwned     = validation.NewError("field_not_allowed", "Este dato lo asigna el sistema; no se puede enviar.")
	errNotEditable     = validation.NewError("field_not_editable", "Este dato no se puede modificar desde tu cuenta.")
	errPolicyRequired  = validation.NewError("data_policy_required", "Debes aceptar la política de tratamiento de datos personales para registrarte.")
	errPolicyOutdated  = validation.NewError("policy_outdated", "El texto de la autorización cambió mientras llenabas el formulario. Recarga la página y revísalo de nuevo.")
	errUnknownReferral = validation.NewError("unknown_referral_code", "El enlace de invitación no es válido. Pide a quien te invitó que te comparta su enlace de nuevo.")
	errCedulaTaken     = validation.NewError("cedula_taken", "Esta cédula ya está registrada. Si es tuya, inicia sesión.")
	errEmailInvalid    = validation.NewError("email_invalid", "Ingresa un correo electrónico válido o déjalo vacío.")
	errEmailTaken      = validation.NewError("email_taken", "Este correo ya está registrado.")
	errPasswordShort   = validation.NewError("password_length", "La contraseña debe tener al menos 8 caracteres.")
	errPasswordLong    = validation.NewError("password_length", "La contraseña puede tener hasta 72 bytes: cada letra sin tilde cuenta uno y las letras con tilde cuentan doble (ñ, á).")
	errPasswordConfirm = validation.NewError("password_mismatch", "Las contraseñas no coinciden.")
	errOldPassword     = validation.NewError("old_password_invalid", "Envía tu contraseña actual como texto.")
	errGoalInvalid     = validation.NewError("referral_goal_invalid", "La meta de referidos debe ser un número entero entre 0 y 100000.")
)

// msgNotText is the message of a text field sent as another JSON type (a
// client's mistake, never a person's): the code stays the field's own.
const msgNotText = "Este dato debe enviarse como texto."

// wrongTypeErrors is the error for each body key sent with the wrong type:
// the field's usual code, so clients branch on one code per field.
var wrongTypeErrors = map[string]validation.Error{
	"name":                 validation.NewError("name_invalid_chars", msgNotText),
	"cedula":               validation.NewError(cedula.ErrNotDigits.Code, msgNotText),
	"phone":                validation.NewError("phone_invalid", msgNotText),
	core.FieldNameEmail:    validation.NewError("email_invalid", msgNotText),
	core.FieldNamePassword: validation.NewError("password_length", msgNotText),
	"passwordConfirm":      validation.NewError("password_mismatch", msgNotText),
	"oldPassword":          errOldPassword,
	bodyReferralCode:       validation.NewError("unknown_referral_code", msgNotText),
	"referral_goal":        errGoalInvalid,
	bodyPolicyAccepted:     errPolicyRequired,
	bodyPolicySHA:          errPolicyOutdated,
	bodyContact:            validation.NewError("contact_consent_invalid", "Envía la autorización de contacto como verdadero o falso."),
	bodyContactSHA:         errPolicyOutdated,
}

// msgInvalidForm is the top-level message of every rejected registration or
// profile change; the per-field details are in the error's data.
const msgInvalidForm = "Revisa los datos marcados e inténtalo de nuevo."

func bindUserValidation(app core.App) {
	app.OnRecordCreateRequest(schema.UsersCollection).BindFunc(validateRegistration)
	app.OnRecordUpdateRequest(schema.UsersCollection).BindFunc(validateProfileUpdate)
}

// validateRegistration normalises and checks a users create request before
// PocketBase's own validation, so people get Spanish per-field messages.
// Whether the cédula or the email is already registered is answered only
// once everything else is valid, so a probe with a bad form learns nothing.
func validateRegistration(e *core.RecordRequestEvent) error {
	body, err := rawBody(e.RequestEvent)
	if err != nil {
		return e.BadRequestError("No pudimos leer los datos enviados.", err)
	}
	super := e.HasSuperuserAuth()
	rec := e.Record
	errs := validation.Errors{}

	if !super {
		for key, v := range body {
			k, allowed := registrantKinds[key]
			switch {
			case allowed && !isKind(v, k):
				errs[key] = wrongTypeErrors[key]
			case !allowed && isFieldKey(rec.Collection(), key):
				errs[key] = errServerOwned
			}
		}
	}
	plain, held := heldPassword(e.RequestEvent, rec)
	checkPersonFields(e.App, rec, body, plain, errs, true)

	var texts habeas.Texts
	if !super {
		texts = habeas.TextsFor(campaign.Read(e.App))
		if !rawTrue(body[bodyPolicyAccepted]) {
			setOnce(errs, bodyPolicyAccepted, errPolicyRequired)
		} else {
			rec.Set("data_policy_accepted_at", time.Now().UTC())
			rec.Set("data_policy_version", texts.Version)
		}
		checkShownText(body, bodyPolicySHA, texts.Processing, errs)
		rec.Set(bodyContact, rawTrue(body[bodyContact]))
		if rec.GetBool(bodyContact) {
			checkShownText(body, bodyContactSHA, texts.Messaging, errs)
		}
		rec.Set("role", schema.RoleMember)
		rec.Set("referral_code", "") // always server-generated
	} else if rec.GetString("role") == "" {
		rec.Set("role", schema.RoleMember)
	}

	if v, ok := body[bodyReferralCode]; ok && errs[bodyReferralCode] == nil {
		if code := strings.TrimSpace(rawText(v)); code != "" {
			referrer, err := e.App.FindFirstRecordByData(schema.UsersCollection, "referral_code", code)
			if err != nil {
				errs[bodyReferralCode] = errUnknownReferral
			} else {
				rec.Set("referred_by", referrer.Id)
			}
		}
	}
	if _, ok := body["referral_goal"]; !ok {
		rec.Set("referral_goal", schema.DefaultReferralGoal)
	}

	if len(errs) == 0 {
		checkUnique(e.App, rec, errs, true)
	}
	if len(errs) > 0 {
		return e.BadRequestError(msgInvalidForm, errs)
	}
	if held && plain != "" {
		// the registration's one bcrypt (bindSingleHash)
		if err := setCheckedPassword(rec, plain); err != nil {
			return e.BadRequestError(msgInvalidForm, validation.Errors{core.FieldNamePassword: err})
		}
	}
	if err := e.Next(); err != nil || super {
		return err
	}
	recordRegistrationConsents(e.App, rec, texts)
	return nil
}

// checkShownText refuses a form whose shown text (its hash in key) is not
// the text in force: what is recorded must be what the person read. A form
// that sends no hash (an older client) is recorded with the text in force.
func checkShownText(body map[string]any, key string, want habeas.Text, errs validation.Errors) {
	v, ok := body[key]
	if !ok || errs[key] != nil {
		return
	}
	if sha := strings.TrimSpace(rawText(v)); sha != "" && sha != want.SHA256 {
		errs[key] = errPolicyOutdated
	}
}

// recordRegistrationConsents appends the authorisations given with the
// registration to the consents record. The account exists by now; a
// failure is logged for the operator (the user record holds the version
// and the time as well).
func recordRegistrationConsents(app core.App, rec *core.Record, texts habeas.Texts) {
	err := habeas.Append(app, rec.Id, habeas.PurposeProcessing, true, texts.Version, texts.Processing.SHA256, habeas.SourceRegistration)
	if err == nil && rec.GetBool(bodyContact) {
		err = habeas.Append(app, rec.Id, habeas.PurposeMessaging, true, texts.Version, texts.Messaging.SHA256, habeas.SourceRegistration)
	}
	if err != nil {
		app.Logger().Error("registration: consents not recorded", "user", rec.Id, "error", err)
	}
}

// validateProfileUpdate lets a member change only their own editable fields;
// superusers (the admin dashboard) may change anything, still normalised.
func validateProfileUpdate(e *core.RecordRequestEvent) error {
	body, err := rawBody(e.RequestEvent)
	if err != nil {
		return e.BadRequestError("No pudimos leer los datos enviados.", err)
	}
	errs := validation.Errors{}
	if !e.HasSuperuserAuth() {
		for key, v := range body {
			k, editable := memberKinds[key]
			switch {
			case !editable:
				errs[key] = errNotEditable
			case !isKind(v, k):
				errs[key] = wrongTypeErrors[key]
			}
		}
	}
	plain, _ := heldPassword(e.RequestEvent, e.Record)
	checkPersonFields(e.App, e.Record, body, plain, errs, false)
	if len(errs) == 0 {
		checkUnique(e.App, e.Record, errs, false)
	}
	if len(errs) > 0 {
		return e.BadRequestError(msgInvalidForm, errs)
	}
	if plain != "" {
		keepCheckedHash(e.Record)
	}
	return e.Next()
}

// setOnce records err for field unless the field already has one (a type
// error says more than the check that follows it).
func setOnce(errs validation.Errors, field string, err error) {
	if errs[field] == nil {
		errs[field] = err
	}
}

// checkPersonFields normalises name, cédula, phone, email and goal in place,
// checks the plain password (empty: none sent) and records a Spanish
// message for each one that is invalid. On an update only fields that
// changed are checked. Fields that already have an error (a wrong type)
// are left alone.
func checkPersonFields(app core.App, rec *core.Record, body map[string]any, plain string, errs validation.Errors, isNew bool) {
	orig := rec.Original()
	check := func(field string) bool {
		return errs[field] == nil && (isNew || rec.GetRaw(field) != orig.GetRaw(field))
	}

	if check("name") {
		if v, err := normalizeName(rec.GetString("name")); err != nil {
			errs["name"] = err
		} else {
			rec.Set("name", v)
		}
	}
	if check("cedula") {
		v, err := cedula.Normalize(rec.GetString("cedula"))
		if ce, ok := cedula.AsError(err); ok {
			errs["cedula"] = validation.NewError(ce.Code, ce.Message)
		} else {
			rec.Set("cedula", v)
		}
	}
	if check("phone") {
		if v, err := normalizePhone(rec.GetString("phone")); err != nil {
			errs["phone"] = err
		} else {
			rec.Set("phone", v)
		}
	}
	if check(core.FieldNameEmail) {
		email := strings.TrimSpace(rec.Email())
		rec.SetEmail(email)
		if email != "" && is.EmailFormat.Validate(email) != nil {
			errs[core.FieldNameEmail] = errEmailInvalid
		}
	}
	if plain != "" && errs[core.FieldNamePassword] == nil {
		if field, err := checkPassword(plain, rawText(body[core.FieldNamePassword+"Confirm"])); err != nil {
			setOnce(errs, field, err)
		}
	}
	if check("referred_by") {
		if err := checkReferrer(app, rec); err != nil {
			errs["referred_by"] = err
		}
	}
	if check("referral_goal") {
		g := rec.GetFloat("referral_goal")
		if g < 0 || g > 100000 || g != float64(int64(g)) {
			errs["referral_goal"] = errGoalInvalid
		}
	}
}

// checkUnique reports a cédula or an email another user already holds.
// Callers run it last, once every other field is valid: a taken cédula is
// a signal that must not come free with any malformed request.
func checkUnique(app core.App, rec *core.Record, errs validation.Errors, isNew bool) {
	orig := rec.Original()
	changed := func(field string) bool {
		return isNew || rec.GetRaw(field) != orig.GetRaw(field)
	}
	if changed("cedula") && taken(app, "cedula", rec.GetString("cedula"), rec.Id) {
		errs["cedula"] = errCedulaTaken
	}
	if email := rec.Email(); email != "" && changed(core.FieldNameEmail) && emailTaken(app, email, rec.Id) {
		errs[core.FieldNameEmail] = errEmailTaken
	}
}

// taken reports whether another user already holds value in field.
func taken(app core.App, field, value, selfID string) bool {
	other, err := app.FindFirstRecordByData(schema.UsersCollection, field, value)
	if err != nil {
		return false
	}
	return other.Id != selfID
}

// emailTaken reports whether another user holds email in any letter case:
// A@Example.com and a@example.com are one mailbox.
func emailTaken(app core.App, email, selfID string) bool {
	var id string
	err := app.RecordQuery(schema.UsersCollection).
		Select("id").
		AndWhere(dbx.NewExp("[["+core.FieldNameEmail+"]] = {:email} COLLATE NOCASE", dbx.Params{"email": email})).
		AndWhere(dbx.Not(dbx.HashExp{"id": selfID})).
		Limit(1).
		Row(&id)
	return err == nil && id != ""
}
