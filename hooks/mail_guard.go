package hooks

import (
	"net/http"
	"strings"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/padron/padron/schema"
)

// mailActions are the users' endpoints that only send an email.
var mailActions = []string{"request-password-reset", "request-verification", "request-email-change", "request-otp"}

// bindMailGuard turns the users' email flows off while no mail server is
// configured: PocketBase would answer 204 and log an ERROR that anyone can
// trigger, and the person would wait for an email that never comes. With
// SMTP set in the dashboard they work as PocketBase has them.
func bindMailGuard(app core.App) {
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.BindFunc(func(e *core.RequestEvent) error {
			if e.Request.Method != http.MethodPost || e.App.Settings().SMTP.Enabled || !isMailAction(e.Request.URL.Path) {
				return e.Next()
			}
			if requestCollection(e) != schema.UsersCollection {
				return e.Next()
			}
			return &router.ApiError{
				Status: http.StatusForbidden,
				Message: "Por ahora no podemos enviar correos. Si olvidaste tu contraseña, pídele a tu líder " +
					"o al administrador de la campaña que te ayude a recuperarla.",
				Data: map[string]any{"code": "mail_not_configured"},
			}
		})
		return se.Next()
	})
}

func isMailAction(path string) bool {
	for _, a := range mailActions {
		if strings.HasSuffix(path, "/"+a) {
			return true
		}
	}
	return false
}
