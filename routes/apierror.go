package routes

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/padron/padron/migrations"
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

// caller is who is asking, as far as Padrón's RBAC cares.
type caller struct {
	id        string
	superuser bool
	leader    bool
}

// whoIs classifies the request's auth; ok is false for anonymous requests
// and for auth collections other than users and superusers.
func whoIs(e *core.RequestEvent) (caller, bool) {
	if e.Auth == nil {
		return caller{}, false
	}
	if e.Auth.IsSuperuser() {
		return caller{id: e.Auth.Id, superuser: true}, true
	}
	if e.Auth.Collection().Name != migrations.UsersCollection {
		return caller{}, false
	}
	return caller{id: e.Auth.Id, leader: e.Auth.GetString("role") == migrations.RoleLeader}, true
}

// requireLeader answers the request's caller when it is a leader or a
// superuser, or the error to send otherwise.
func requireLeader(e *core.RequestEvent) (caller, error) {
	who, ok := whoIs(e)
	if !ok {
		return caller{}, errAuthRequired()
	}
	if !who.leader && !who.superuser {
		return caller{}, errLeadersOnly()
	}
	return who, nil
}
