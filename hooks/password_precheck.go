package hooks

import (
	"net/http"
	"unicode/utf8"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/padron/padron/schema"
)

// bindPasswordPrecheck refuses a users (or cédula claim) create or update
// whose password
// bcrypt cannot take (over 72 bytes) with the field's Spanish message
// before PocketBase reads it: PocketBase hashes the password while loading
// the form and then fails with a bare "Failed to create record.", before
// any record hook runs.
func bindPasswordPrecheck(app core.App) {
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.BindFunc(func(e *core.RequestEvent) error {
			if e.Request.Method != http.MethodPost && e.Request.Method != http.MethodPatch {
				return e.Next()
			}
			if col := requestCollection(e); col != schema.UsersCollection && col != schema.ClaimsCollection {
				return e.Next()
			}
			info, err := e.RequestInfo()
			if err != nil {
				return e.Next() // PocketBase answers the unreadable body itself
			}
			if pw, ok := info.Body["password"].(string); ok && len(pw) > passwordMaxBytes {
				return passwordTooLong()
			}
			return e.Next()
		})
		return se.Next()
	})
}

// passwordTooLong is the registration form's error body for a password
// over passwordMaxBytes, with the field code the app maps to the field.
func passwordTooLong() *router.ApiError {
	return &router.ApiError{
		Status:  http.StatusBadRequest,
		Message: msgInvalidForm,
		Data: map[string]any{"password": map[string]any{
			"code": "password_length", "message": errPasswordLong.Message(),
		}},
	}
}

// passwordChars is how a person counts their password's length.
func passwordChars(pw string) int { return utf8.RuneCountInString(pw) }
