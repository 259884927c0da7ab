package hooks

import (
	"net/http"
	"strings"

	"github.com/ganigeorgiev/fexpr"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
	"github.com/pocketbase/pocketbase/tools/search"
)

// bindListGuard refuses, for everyone but superusers, list requests that
// sort or filter on an email: PocketBase hides emails without
// emailVisibility from filters, but sorting by them still orders the rows,
// so a leader could learn a referido's email letter by letter. (Hidden
// fields PocketBase already refuses in both.)
func bindListGuard(app core.App) {
	app.OnRecordsListRequest().BindFunc(func(e *core.RecordsListRequestEvent) error {
		if e.HasSuperuserAuth() {
			return e.Next()
		}
		q := e.Request.URL.Query()
		for _, f := range search.ParseSortFromString(q.Get(search.SortQueryParam)) {
			if namesEmail(f.Name) {
				return errHiddenField("sort", f.Name)
			}
		}
		if filter := q.Get(search.FilterQueryParam); filter != "" {
			if name, ok := filterNamesEmail(filter); ok {
				return errHiddenField("filter", name)
			}
		}
		return e.Next()
	})
}

// namesEmail tells whether a field path ("email", "user.email:lower",
// "referred_by.email") ends on, or passes through, an email field.
func namesEmail(path string) bool {
	for _, part := range strings.Split(path, ".") {
		name, _, _ := strings.Cut(part, ":")
		if strings.EqualFold(name, core.FieldNameEmail) {
			return true
		}
	}
	return false
}

// filterNamesEmail finds an identifier naming an email anywhere in a
// filter, groups and function arguments included; quoted text is data, not
// a field, and is never matched.
func filterNamesEmail(filter string) (string, bool) {
	s := fexpr.NewScanner([]byte(filter))
	for {
		t, err := s.Scan()
		if t.Type == fexpr.TokenEOF || (err != nil && t.Type == "") {
			return "", false
		}
		if name, ok := tokenNamesEmail(t); ok {
			return name, true
		}
		if err != nil {
			return "", false // PocketBase reports the bad filter itself
		}
	}
}

func tokenNamesEmail(t fexpr.Token) (string, bool) {
	switch t.Type {
	case fexpr.TokenIdentifier:
		// @request.auth.email is the caller's own; @collection.* paths
		// reach other records and are checked like fields.
		if !strings.HasPrefix(t.Literal, "@request.") && namesEmail(t.Literal) {
			return t.Literal, true
		}
	case fexpr.TokenGroup:
		return filterNamesEmail(t.Literal)
	case fexpr.TokenFunction:
		args, _ := t.Meta.([]fexpr.Token)
		for _, a := range args {
			if name, ok := tokenNamesEmail(a); ok {
				return name, true
			}
		}
	}
	return "", false
}

func errHiddenField(param, field string) *router.ApiError {
	return &router.ApiError{
		Status:  http.StatusBadRequest,
		Message: "No puedes ordenar ni filtrar por un campo que no puedes ver (" + field + ").",
		Data:    map[string]any{"code": "hidden_field", "param": param, "field": field},
	}
}
