// Package apierrors shapes the API's error answers for people: Padrón's
// coded errors, PocketBase's own messages in Spanish on the app's paths,
// a full or read-only disk as 507/503, and ordinary 4xx logged as INFO.
package apierrors

import (
	"log/slog"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
)

// New builds PocketBase's error body {"status","message","data"} with a
// Spanish message for people and a stable English data.code for scripts.
// PocketBase's own constructors would rewrite data, so it is built directly.
func New(status int, code, message string, extra map[string]any) *router.ApiError {
	data := map[string]any{"code": code}
	for k, v := range extra {
		data[k] = v
	}
	return &router.ApiError{Status: status, Message: message, Data: data}
}

// Bind wraps every request app serves in the error middlewares: storage
// failures answered as 507/503 and logged at ERROR on log (nil: the app's
// logger), PocketBase's messages put in Spanish on the web app's API paths,
// and 4xx answers logged at INFO instead of ERROR.
func Bind(app core.App, log *slog.Logger) {
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.Bind(clientErrors())
		se.Router.Bind(storageErrors(log))
		se.Router.Bind(spanishErrors())
		return se.Next()
	})
}
