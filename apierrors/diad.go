package apierrors

import (
	"net/http"
	"strings"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
)

// ruleRefusal is what a person reads when a collection's create rule
// refuses them, instead of PocketBase's "Failed to create record.", which
// it also says for a failed save.
type ruleRefusal struct{ code, message string }

// ruleRefusals are the election-day collections whose create rule people
// meet in the web app.
var ruleRefusals = map[string]ruleRefusal{
	"vote_marks": {"mark_not_allowed",
		"No puedes marcar a esta persona: no está en tu red, o eres testigo y no vota en tu mesa."},
	"testigos": {"testigo_not_allowed",
		"No puedes asignar a esta persona como testigo: solo los líderes y coordinadores asignan a personas de su red."},
	"e14_reports": {"e14_not_allowed",
		"Solo el testigo asignado a esta mesa puede reportar su E-14."},
}

// refusedByRule is the Spanish refusal of a record create that the
// collection's create rule refused (PocketBase wraps that cause as "create
// rule failure"), or nil for any other error.
func refusedByRule(e *core.RequestEvent, apiErr *router.ApiError) error {
	if e.Request.Method != http.MethodPost || apiErr.Status != http.StatusBadRequest || len(apiErr.Data) > 0 {
		return nil
	}
	raw, ok := apiErr.RawData().(error)
	if !ok || !strings.HasPrefix(raw.Error(), "create rule failure") {
		return nil
	}
	rest, _ := strings.CutPrefix(canonicalPath(e.App, e.Request.URL.Path), collectionsPrefix)
	name, tail, _ := strings.Cut(rest, "/")
	r, ok := ruleRefusals[name]
	if !ok || tail != "records" {
		return nil
	}
	return New(http.StatusBadRequest, r.code, r.message, nil)
}
