package apierrors

import (
	"net/http"
	"strings"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/router"
)

// SpanishErrorsMiddlewareID names the middleware that puts PocketBase's own
// error messages in Spanish on the web app's API paths.
const SpanishErrorsMiddlewareID = "padronSpanishErrors"

// spanishErrorPaths are the API paths the web app calls; the admin
// dashboard's other calls keep PocketBase's English.
var spanishErrorPaths = []string{
	"/api/collections/users/",
	"/api/collections/cedula_info/",
	"/api/collections/referidos/",
	"/api/collections/elections/",
	"/api/collections/vote_marks/",
	"/api/collections/testigos/",
	"/api/collections/e14_reports/",
	"/api/collections/_superusers/auth-with-password",
	"/api/realtime",
	"/api/referrals/",
	"/api/census/",
	"/api/referidos/",
}

const msgSessionEnded = "Tu sesión terminó. Inicia sesión de nuevo."

// spanishMessages maps PocketBase's top-level messages to what people read.
// Our own endpoints already answer in Spanish and pass through unchanged.
var spanishMessages = map[string]string{
	"Failed to authenticate.":                                                                          "Cédula o contraseña incorrectas.",
	"The requested resource wasn't found.":                                                             "No encontramos lo que buscas.",
	"Missing or invalid authentication.":                                                               msgSessionEnded,
	"The request requires valid record authorization token.":                                           msgSessionEnded,
	"The request requires superuser or record authorization token.":                                    msgSessionEnded,
	"Failed to refresh auth token.":                                                                    msgSessionEnded,
	"You are not allowed to perform this request.":                                                     "No tienes permiso para hacer esto.",
	"The authorized record is not allowed to perform this action.":                                     "No tienes permiso para hacer esto.",
	"Only superusers can perform this action.":                                                         "Solo un administrador puede hacer esto.",
	"The request can be accessed only by guests.":                                                      "Ya iniciaste sesión.",
	"Failed to create record.":                                                                         "No pudimos crear el registro. Revisa los datos marcados.",
	"Failed to update record.":                                                                         "No pudimos guardar los cambios. Revisa los datos marcados.",
	"Failed to delete record. Make sure that the record is not part of a required relation reference.": "No pudimos eliminar el registro.",
	"An error occurred while validating the submitted data.":                                           "Revisa los datos marcados e inténtalo de nuevo.",
	"Failed to read the submitted data.":                                                               "No pudimos leer los datos enviados.",
	"An error occurred while loading the submitted data.":                                              "No pudimos leer los datos enviados.",
	"Something went wrong while processing your request.":                                              "Algo salió mal. Inténtalo de nuevo en un momento.",
	"Too Many Requests.":                                                                               "Demasiados intentos seguidos. Espera un minuto e inténtalo de nuevo.",
	"Missing or invalid client id.":                                                                    "Se perdió la conexión en vivo. Recarga la página.",
	"The current and the previous request authorization don't match.":                                  "Tu sesión cambió. Recarga la página.",
}

// spanishFieldMessages maps PocketBase's per-field validation codes; our
// hooks' own codes already carry Spanish messages.
var spanishFieldMessages = map[string]string{
	"validation_invalid_old_password": "La contraseña actual no es correcta.",
	"validation_required":             "Este dato es obligatorio.",
	"validation_values_mismatch":      "Las contraseñas no coinciden.",
	"validation_min_text_constraint":  "Es demasiado corto.",
	"validation_max_text_constraint":  "Es demasiado largo.",
	"validation_invalid_format":       "El formato no es válido.",
	"validation_not_unique":           "Este valor ya está registrado.",
	"validation_invalid_email":        "Ingresa un correo electrónico válido.",
}

// spanishErrors wraps every request so PocketBase's errors (auth, not
// found, rate limit, validation) reach the app's people in Spanish with
// their status codes unchanged. It runs outside the rate limiter.
func spanishErrors() *hook.Handler[*core.RequestEvent] {
	return &hook.Handler[*core.RequestEvent]{
		Id:       SpanishErrorsMiddlewareID,
		Priority: -1035, // after PocketBase's activity logger (-1040), before panic recovery and the rate limiter
		Func: func(e *core.RequestEvent) error {
			err := e.Next()
			if err == nil || !appAPIPath(canonicalPath(e.App, e.Request.URL.Path)) {
				return err
			}
			if apiErr := router.ToApiError(err); invalidFilter(e.Request, apiErr) {
				return New(http.StatusBadRequest, CodeInvalidFilter, msgInvalidFilter, nil)
			} else if refused := refusedByRule(e, apiErr); refused != nil {
				return refused
			}
			return translateError(err)
		},
	}
}

func appAPIPath(p string) bool {
	for _, prefix := range spanishErrorPaths {
		if strings.HasPrefix(p, prefix) {
			return true
		}
	}
	return false
}

// collectionsPrefix starts the record APIs' paths; the next segment names
// a collection.
const collectionsPrefix = "/api/collections/"

// canonicalPath is p with the collection it names spelled as its name, the
// way spanishErrorPaths spell it: PocketBase serves a collection's APIs
// under its id and its name in any letter case too
// ("/api/collections/USERS/..."), and those answers are the app's as well.
func canonicalPath(app core.App, p string) string {
	rest, ok := strings.CutPrefix(p, collectionsPrefix)
	if !ok {
		return p
	}
	nameOrID, tail, more := strings.Cut(rest, "/")
	col, err := app.FindCachedCollectionByNameOrId(nameOrID)
	if err != nil || col.Name == nameOrID {
		return p
	}
	if !more {
		return collectionsPrefix + col.Name
	}
	return collectionsPrefix + col.Name + "/" + tail
}

// translateError returns err as an ApiError with Spanish messages, keeping
// its status and codes.
func translateError(err error) error {
	apiErr := router.ToApiError(err)
	if es, ok := spanishMessages[apiErr.Message]; ok {
		apiErr.Message = es
	}
	translateFields(apiErr.Data)
	return apiErr
}

func translateFields(data map[string]any) {
	for _, v := range data {
		switch item := v.(type) {
		case map[string]any:
			code, _ := item["code"].(string)
			if es, ok := spanishFieldMessages[code]; ok {
				item["message"] = es
			} else if _, isLeaf := item["code"]; !isLeaf {
				translateFields(item)
			}
		}
	}
}
