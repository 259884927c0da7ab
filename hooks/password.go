package hooks

import (
	"fmt"
	"net/http"

	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cast"
	"golang.org/x/crypto/bcrypt"

	"github.com/padron/padron/schema"
)

// plainPasswordKey is where a registration's (or a claim's) plain password
// waits, in the request's store, for its validation hook to hash it.
const plainPasswordKey = "padronPlainPassword"

// Password length: people count characters; bcrypt takes at most 72 bytes,
// and a letter with a tilde takes two.
const (
	passwordMinChars = 8
	passwordMaxBytes = 72
)

// checkPassword is the one password rule of registrations and claims: at
// least 8 characters, at most bcrypt's 72 bytes (said in bytes, never as a
// count of characters), and the confirmation equal.
func checkPassword(plain, confirm string) (field string, err error) {
	switch {
	case passwordChars(plain) < passwordMinChars:
		return core.FieldNamePassword, errPasswordShort
	case len(plain) > passwordMaxBytes:
		return core.FieldNamePassword, errPasswordLong
	case confirm != plain:
		return core.FieldNamePassword + "Confirm", errPasswordConfirm
	}
	return "", nil
}

// setCheckedPassword sets the bcrypt hash of plain, checked by
// checkPassword, on rec's password field: the request's one bcrypt, and
// the hash alone, so PocketBase's own length check (71 characters) never
// speaks for ours.
func setCheckedPassword(rec *core.Record, plain string) error {
	if _, err := checkPassword(plain, plain); err != nil {
		return err
	}
	cost := bcrypt.DefaultCost
	if f, ok := rec.Collection().Fields.GetByName(core.FieldNamePassword).(*core.PasswordField); ok && f.Cost > 0 {
		cost = f.Cost
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(plain), cost)
	if err != nil {
		return fmt.Errorf("hash the password: %w", err)
	}
	rec.SetRaw(core.FieldNamePassword, &core.PasswordFieldValue{Hash: string(hash)})
	return nil
}

// bindSingleHash makes a registration cost one bcrypt, as a login does.
// PocketBase's create handler (v0.39.11) hashes a submitted password twice:
// recordDataFromRequest resolves field modifiers by setting every body key
// on a scratch copy of the record (the password setter hashes), then the
// form's Load sets it on the record (hashes again). So the plain password
// leaves the body PocketBase reads before its handler runs, and
// validateRegistration hashes it once, only when the form is valid.
func bindSingleHash(app core.App) {
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.BindFunc(holdPassword)
		return se.Next()
	})
}

// holdPassword moves the password of a users or cédula claims create
// request from the parsed body into the request's store. Everything else
// passes untouched.
func holdPassword(e *core.RequestEvent) error {
	if e.Request.Method != http.MethodPost {
		return e.Next()
	}
	name := e.Request.PathValue("collection")
	if col := requestCollection(e); (col != schema.UsersCollection && col != schema.ClaimsCollection) ||
		e.Request.URL.Path != "/api/collections/"+name+"/records" {
		return e.Next()
	}
	info, err := e.RequestInfo()
	if err != nil {
		return e.Next() // PocketBase's handler reports the unreadable body
	}
	if v, ok := info.Body[core.FieldNamePassword]; ok {
		delete(info.Body, core.FieldNamePassword)
		e.Set(plainPasswordKey, cast.ToString(v))
	}
	return e.Next()
}

// heldPassword is the plain password holdPassword kept for this request,
// or, when it kept none, the one set on rec.
func heldPassword(e *core.RequestEvent, rec *core.Record) (plain string, held bool) {
	if v, ok := e.Get(plainPasswordKey).(string); ok {
		return v, true
	}
	if pw, ok := rec.GetRaw(core.FieldNamePassword).(*core.PasswordFieldValue); ok {
		return pw.Plain, false
	}
	return "", false
}

// keepCheckedHash drops the plain password PocketBase loaded into rec (a
// profile change), keeping its hash, once checkPassword accepted it: the
// field's own limit (71 characters) then never refuses what ours allows.
// The sessions end as any password change ends them (PocketBase compares
// plain values to decide, and there is none left to compare).
func keepCheckedHash(rec *core.Record) {
	pw, ok := rec.GetRaw(core.FieldNamePassword).(*core.PasswordFieldValue)
	if !ok || pw.Plain == "" {
		return
	}
	rec.SetRaw(core.FieldNamePassword, &core.PasswordFieldValue{Hash: pw.Hash, LastError: pw.LastError})
	rec.RefreshTokenKey()
}
