package hooks

import (
	"net/http"

	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cast"

	"github.com/padron/padron/schema"
)

// plainPasswordKey is where a registration's plain password waits, in the
// request's store, for validateRegistration to hash it.
const plainPasswordKey = "padronPlainPassword"

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

// holdPassword moves the password of a users create request from the
// parsed body into the request's store. Everything else passes untouched.
func holdPassword(e *core.RequestEvent) error {
	if e.Request.Method != http.MethodPost {
		return e.Next()
	}
	name := e.Request.PathValue("collection")
	if requestCollection(e) != schema.UsersCollection || e.Request.URL.Path != "/api/collections/"+name+"/records" {
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
