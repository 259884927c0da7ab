package apierrors

import (
	"errors"
	"net/http"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/router"
)

// ClientErrorsMiddlewarePriority runs the client-error middleware right
// inside PocketBase's activity logger, so it sees every answer the
// logger would.
const ClientErrorsMiddlewarePriority = apis.DefaultActivityLoggerMiddlewarePriority + 1

// clientErrors answers 4xx API errors itself, so PocketBase's activity
// logger records them at INFO (with the error in the log's meta) instead of
// ERROR: a taken cédula, a cooldown or a rate limit is the server working,
// and ERROR stays for what an operator must act on. 5xx are untouched.
func clientErrors() *hook.Handler[*core.RequestEvent] {
	return &hook.Handler[*core.RequestEvent]{
		Id:       "padronClientErrors",
		Priority: ClientErrorsMiddlewarePriority,
		Func: func(e *core.RequestEvent) error {
			err := e.Next()
			var apiErr *router.ApiError
			if err == nil || e.Written() || !errors.As(err, &apiErr) ||
				apiErr.Status < http.StatusBadRequest || apiErr.Status >= http.StatusInternalServerError {
				return err
			}
			meta := map[string]any{"error": apiErr.Message}
			if apiErr.Data != nil && len(apiErr.Data) > 0 {
				meta["details"] = apiErr.Data
			}
			e.Set(apis.RequestEventKeyLogMeta, meta)
			if e.Request.Method == http.MethodHead {
				return e.NoContent(apiErr.Status)
			}
			return e.JSON(apiErr.Status, apiErr)
		},
	}
}
