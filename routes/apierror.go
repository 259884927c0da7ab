package routes

import (
	"github.com/pocketbase/pocketbase/tools/router"
)

// apiError builds PocketBase's error body {"status","message","data"} with a
// Spanish message for people and a stable English data.code for scripts.
// PocketBase's own constructors would rewrite data, so it is built directly.
func apiError(status int, code, message string, extra map[string]any) *router.ApiError {
	data := map[string]any{"code": code}
	for k, v := range extra {
		data[k] = v
	}
	return &router.ApiError{Status: status, Message: message, Data: data}
}

// Spanish messages and codes shared by the census and referidos endpoints.
var (
	errAuthRequired = func() *router.ApiError {
		return apiError(401, "auth_required", "Inicia sesión para continuar.", nil)
	}
	errLeadersOnly = func() *router.ApiError {
		return apiError(403, "leaders_only", "Solo los líderes pueden usar esta función.", nil)
	}
)
