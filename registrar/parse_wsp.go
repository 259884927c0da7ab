package registrar

import (
	"bytes"
	"encoding/json"
	"strings"

	"golang.org/x/net/html"

	"github.com/padron/padron/census"
)

// wspAnswer is the legacy page's AJAX answer.
type wspAnswer struct {
	Success *bool           `json:"success"`
	Data    json.RawMessage `json:"data"`
	Reload  bool            `json:"reload"`
}

// message digs data.message out of the answer; data may also be a bare string.
func (a wspAnswer) message() (string, bool) {
	d := bytes.TrimSpace(a.Data)
	if len(d) == 0 || string(d) == "null" {
		return "", false
	}
	var s string
	if json.Unmarshal(d, &s) == nil {
		return s, true
	}
	var obj struct {
		Message *string `json:"message"`
	}
	if json.Unmarshal(d, &obj) == nil && obj.Message != nil {
		return *obj.Message, true
	}
	return "", false
}

// ParseWSP reads the legacy page's AJAX answer (or whatever the firewall sent
// instead); status is the HTTP status, 0 when unknown (a stored raw body).
//
// Classification never rests on the status alone: a block page is census.ErrBlocked
// with 200 or 500; a 5xx that is neither JSON nor a block page is census.ErrTransient.
// A novedad row is cancelled_deceased when census.IsDeathNovedad says so and
// cancelled_other otherwise, including the "Vigente con ..." and
// "Pendiente ..." ones; the novedad text is kept.
func ParseWSP(cedula string, status int, body []byte) (census.Result, error) {
	if IsBlockPage(body) {
		return census.Result{}, failBody(census.ErrBlocked, body, "wsp: firewall block page (HTTP %d)", status)
	}
	var a wspAnswer
	if !looksLikeJSON(body) || json.Unmarshal(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")), &a) != nil {
		return census.Result{}, failBody(StatusClass(status), body, "wsp: answer is not the expected JSON (HTTP %d)", status)
	}
	msg, hasMsg := a.message()
	if a.Success == nil {
		return census.Result{}, failBody(StatusClass(status), body, "wsp: JSON without success field (HTTP %d)", status)
	}
	if !*a.Success {
		return census.Result{}, wspFailure(a, msg, status, body)
	}
	if !hasMsg {
		return census.Result{}, failBody(StatusClass(status), body, "wsp: success without data.message")
	}
	r, err := parseWSPMessage(cedula, msg, body)
	if err != nil {
		return census.Result{}, err
	}
	r.Source = census.SourceWSP
	r.Raw = string(body)
	return r, nil
}

// wspFailure classifies a success:false answer.
func wspFailure(a wspAnswer, msg string, status int, body []byte) error {
	f := fold(msg)
	switch {
	case a.Reload:
		return failBody(census.ErrTransient, body, "wsp: site asked to reload the page (session or nonce expired)")
	case strings.Contains(f, "marque el cuadro de verificacion"), strings.Contains(f, "captcha"):
		return failBody(census.ErrCaptcha, body, "wsp: site rejected the captcha: %s", squash(msg))
	case strings.Contains(f, "curl error"), strings.Contains(f, "timed out"):
		return failBody(census.ErrTransient, body, "wsp: backend hiccup: %s", squash(msg))
	case status >= 500:
		return failBody(census.ErrTransient, body, "wsp: HTTP %d: %s", status, squash(msg))
	}
	return failBody(census.ErrSiteChanged, body, "wsp: unknown failure message: %q", squash(msg))
}

// parseWSPMessage reads the HTML fragment of a success:true answer.
func parseWSPMessage(cedula, msg string, body []byte) (census.Result, error) {
	doc, err := html.Parse(strings.NewReader(msg))
	if err != nil {
		return census.Result{}, failBody(census.ErrSiteChanged, body, "wsp: message is not HTML: %v", err)
	}
	text := fold(textOf(doc))
	notFound := strings.Contains(text, "no se encuentra en el censo") ||
		strings.Contains(text, "no se encuentra habilitad")

	for _, t := range readTables(doc) {
		switch {
		case t.fields[fieldNovedad]:
			if len(t.rows) == 0 {
				continue
			}
			return cancelledFromRows(cedula, t.rows, body)
		case t.fields[fieldDepartamento] || t.fields[fieldPuesto] || t.fields[fieldMesa]:
			if len(t.rows) == 0 {
				continue // an empty table next to a not-found message
			}
			return foundFromRows(cedula, t.rows, body)
		}
	}
	if notFound {
		c, err := checkCedula(cedula, "", body)
		if err != nil {
			return census.Result{}, err
		}
		return census.Result{Cedula: c, Outcome: census.OutcomeNotFound}, nil
	}
	return census.Result{}, failBody(census.ErrSiteChanged, body, "wsp: no table and no known message: %q", truncate(textOf(doc), 200))
}

// foundFromRows builds a found Result from the location table; every location
// cell must be present, and all but the address non-empty.
func foundFromRows(cedula string, rows []map[string]string, body []byte) (census.Result, error) {
	if len(rows) != 1 {
		return census.Result{}, failBody(census.ErrSiteChanged, body, "wsp: location table has %d rows, want 1", len(rows))
	}
	row := rows[0]
	for _, f := range []string{fieldDepartamento, fieldMunicipio, fieldPuesto, fieldDireccion, fieldMesa} {
		v, ok := row[f]
		if !ok || (v == "" && f != fieldDireccion) {
			return census.Result{}, failBody(census.ErrSiteChanged, body, "wsp: location table lacks %s", f)
		}
	}
	c, err := checkCedula(cedula, row[fieldNUIP], body)
	if err != nil {
		return census.Result{}, err
	}
	return census.Result{
		Cedula:       c,
		Outcome:      census.OutcomeFound,
		Departamento: row[fieldDepartamento],
		Municipio:    row[fieldMunicipio],
		Puesto:       row[fieldPuesto],
		Direccion:    row[fieldDireccion],
		Mesa:         row[fieldMesa],
	}, nil
}

// cancelledFromRows builds a cancelled Result from the novedad table,
// preferring a death reason when there are several rows.
func cancelledFromRows(cedula string, rows []map[string]string, body []byte) (census.Result, error) {
	pick := -1
	for i, row := range rows {
		if row[fieldNovedad] == "" {
			continue
		}
		if pick < 0 || census.IsDeathNovedad(row[fieldNovedad]) {
			pick = i
		}
		if census.IsDeathNovedad(row[fieldNovedad]) {
			break
		}
	}
	if pick < 0 {
		return census.Result{}, failBody(census.ErrSiteChanged, body, "wsp: novedad table without a novedad")
	}
	row := rows[pick]
	c, err := checkCedula(cedula, row[fieldNUIP], body)
	if err != nil {
		return census.Result{}, err
	}
	return cancelledResult(c, row[fieldNovedad], row[fieldResolucion], row[fieldFecha]), nil
}

// cancelledResult classifies a novedad with census's death rule.
func cancelledResult(cedula, novedad, resolucion, fecha string) census.Result {
	out := census.OutcomeCancelledOther
	if census.IsDeathNovedad(novedad) {
		out = census.OutcomeCancelledDeceased
	}
	return census.Result{
		Cedula:       cedula,
		Outcome:      out,
		Novedad:      squash(novedad),
		Resolucion:   squash(resolucion),
		FechaNovedad: squash(fecha),
	}
}

// truncate shortens s for an error message.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
