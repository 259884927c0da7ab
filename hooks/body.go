package hooks

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/url"
	"regexp"
	"strings"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
)

// formValue is a multipart or urlencoded body value: text, once per
// repetition of its key.
type formValue []string

// rawBody is the request body as the client sent it: JSON values with their
// JSON types, form values as formValue (and the JSON types of a form's
// "@jsonPayload"). By the time a record request hook runs, PocketBase has
// cast RequestInfo().Body to each field's type ("abc" and null become 0,
// true becomes "true", ["x"] becomes ""), so type checks need the original.
// It reads what PocketBase read, with the same content-type rules.
func rawBody(e *core.RequestEvent) (map[string]any, error) {
	out := map[string]any{}
	if e.Request.ContentLength == 0 {
		return out, nil
	}
	contentType := e.Request.Header.Get("Content-Type")
	switch {
	case strings.HasPrefix(contentType, "application/json"):
		// PocketBase's body reader can be read again once it reached its
		// end; decoding the first value is all PocketBase did too.
		err := json.NewDecoder(e.Request.Body).Decode(&out)
		if rr, ok := e.Request.Body.(router.Rereader); ok {
			rr.Reread()
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("read JSON body: %w", err)
		}
		if out == nil { // the body was JSON null
			out = map[string]any{}
		}
		return out, nil
	case strings.HasPrefix(contentType, "multipart/form-data"),
		strings.HasPrefix(contentType, "application/x-www-form-urlencoded"):
		// Already parsed by PocketBase (URL query included, as it loads it).
		return rawForm(e.Request.Form)
	default:
		return out, nil // PocketBase refused the body before the hooks
	}
}

// rawForm keeps each form value as text and overlays the "@jsonPayload"
// objects, in the order PocketBase applies them.
func rawForm(form url.Values) (map[string]any, error) {
	out := make(map[string]any, len(form))
	for k, vs := range form {
		if k != router.JSONPayloadKey {
			out[k] = formValue(vs)
		}
	}
	for _, payload := range form[router.JSONPayloadKey] {
		var m map[string]any
		if err := json.Unmarshal([]byte(payload), &m); err != nil {
			return nil, fmt.Errorf("read %s: %w", router.JSONPayloadKey, err)
		}
		maps.Copy(out, m)
	}
	return out, nil
}

// kind is the one type a body key accepts.
type kind int

const (
	kindText kind = iota
	kindNumber
	kindBool
)

// formNumber is a number as a form carries it; anything else (hex, "Inf",
// "1e3") is not a number people type.
var formNumber = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)

// isKind reports whether v, a rawBody value, is of kind k. JSON must carry
// the exact type: no null, no string for a number, no array for a text.
// A form carries text, so it must send the key once, and a number or a
// boolean spelled the way PocketBase reads it.
func isKind(v any, k kind) bool {
	if f, ok := v.(formValue); ok {
		if len(f) != 1 {
			return false
		}
		switch k {
		case kindNumber:
			return formNumber.MatchString(f[0])
		case kindBool:
			return f[0] == "true" || f[0] == "false"
		default:
			return true
		}
	}
	switch k {
	case kindNumber:
		_, ok := v.(float64)
		return ok
	case kindBool:
		_, ok := v.(bool)
		return ok
	default:
		_, ok := v.(string)
		return ok
	}
}

// rawText is the text of a value isKind accepted as kindText.
func rawText(v any) string {
	if f, ok := v.(formValue); ok && len(f) == 1 {
		return f[0]
	}
	s, _ := v.(string)
	return s
}

// rawTrue reports an explicit true: JSON true, or "true" in a form.
func rawTrue(v any) bool {
	if f, ok := v.(formValue); ok {
		return len(f) == 1 && f[0] == "true"
	}
	b, ok := v.(bool)
	return ok && b
}

// isFieldKey reports whether key sets one of col's fields, directly or with
// one of PocketBase's modifiers ("referral_goal+", "+referred_by",
// "id:autogenerate"), exactly as PocketBase decides when it loads a body.
func isFieldKey(col *core.Collection, key string) bool {
	for _, f := range col.Fields {
		if f.GetName() == key {
			return true
		}
		if sf, ok := f.(core.SetterFinder); ok && sf.FindSetter(key) != nil {
			return true
		}
	}
	return false
}
