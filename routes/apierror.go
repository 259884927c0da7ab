package routes

import (
	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/padron/padron/apierrors"
)

// apiError is apierrors.New: Padrón's error body with a Spanish message and
// a stable English data.code.
var apiError = apierrors.New

// Spanish messages and codes shared by the census and referidos endpoints.
var (
	errAuthRequired = func() *router.ApiError {
		return apiError(401, "auth_required", "Inicia sesión para continuar.", nil)
	}
	errLeadersOnly = func() *router.ApiError {
		return apiError(403, "leaders_only", "Solo los líderes y coordinadores pueden usar esta función.", nil)
	}
)
