package apierrors

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/pocketbase/pocketbase/tools/router"
)

// CodeInvalidFilter is data.code of a list request whose filter or sort
// PocketBase could not use (bad syntax, an unknown field, too long).
const CodeInvalidFilter = "invalid_filter"

const (
	msgInvalidFilter = "El filtro o el orden de la búsqueda no es válido."
	// pbGenericMessage is what PocketBase answers for a list it could not
	// build, a bad filter among other things.
	pbGenericMessage = "Something went wrong while processing your request."
)

// invalidFilter says whether apiErr, PocketBase's answer to r, is a list
// refused for its filter or sort: a generic 400 to a GET that has one, not
// caused by a malformed page, perPage or skipTotal.
func invalidFilter(r *http.Request, apiErr *router.ApiError) bool {
	if apiErr.Status != http.StatusBadRequest || apiErr.Message != pbGenericMessage || r.Method != http.MethodGet {
		return false
	}
	q := r.URL.Query()
	if q.Get("filter") == "" && q.Get("sort") == "" {
		return false
	}
	var numErr *strconv.NumError
	raw, _ := apiErr.RawData().(error)
	return !errors.As(raw, &numErr)
}
