package fakeregistrar

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"
)

// handleWSP serves the legacy page: GET shows the form, POST answers the AJAX.
func (s *Server) handleWSP(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		s.wspForm(w, r)
	case http.MethodPost:
		s.wspLookup(w, r)
	default:
		w.Header().Set("Allow", "GET, HEAD, POST")
		http.Error(w, "Method Not Allowed", http.StatusMethodNotAllowed)
	}
}

func (s *Server) wspForm(w http.ResponseWriter, r *http.Request) {
	if s.isHeadless(r) {
		s.blockPage(w)
		return
	}
	nonce := s.openSession(w, r)
	s.setTSCookie(w)
	s.mu.Lock()
	s.counters.WSPPageLoads++
	s.mu.Unlock()
	var buf bytes.Buffer
	if err := wspPage.Execute(&buf, wspPageData{Token: nonce, SiteKey: s.cfg.SiteKey}); err != nil {
		http.Error(w, "template: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=UTF-8")
	w.Header().Set("Cache-Control", "no-store, no-cache, must-revalidate")
	_, _ = w.Write(buf.Bytes())
}

// wspLookup answers the AJAX POST in the order the real stack checks things:
// firewall (user agent), PHP session and nonce, captcha, then the census.
func (s *Server) wspLookup(w http.ResponseWriter, r *http.Request) {
	rec := LookupRecord{At: time.Now(), Source: SourceWSP}
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	if err := r.ParseMultipartForm(64 << 10); err != nil && err != http.ErrNotMultipart {
		rec.Status, rec.Reason = http.StatusBadRequest, "unreadable form"
		s.record(rec)
		http.Error(w, "Bad Request", http.StatusBadRequest)
		return
	}
	rec.Cedula = r.PostFormValue("nuip")
	refuse := s.refuser(&rec)
	if s.isHeadless(r) {
		refuse(CaseBlocked, "headless user agent", http.StatusOK, func() { s.writeBlock(w, http.StatusOK) })
		return
	}
	known, ok := s.spendNonce(r, r.PostFormValue("token"))
	if !known {
		refuse(CaseReload, "unknown session", http.StatusOK, func() {
			s.writeWSPJSON(w, http.StatusOK, false, "Su sesión ha expirado, por favor recargue la página.", true)
		})
		return
	}
	if !ok {
		refuse(CaseBlocked, "forged or stale token", http.StatusOK, func() { s.writeBlock(w, http.StatusOK) })
		return
	}
	if why := s.spendToken(r.Context(), SourceWSP, r.PostFormValue("g-recaptcha-response")); why != "" {
		refuse(CaseCaptchaRejected, why, http.StatusOK, func() { s.writeWSPJSON(w, http.StatusOK, false, wspCaptchaMessage, false) })
		return
	}
	nuip := strings.TrimSpace(rec.Cedula)
	if !isDigits(nuip) || len(nuip) > 10 {
		refuse("", "invalid nuip", http.StatusOK, func() {
			s.writeWSPJSON(w, http.StatusOK, false, "Número de documento no válido.", false)
		})
		return
	}
	f := s.unleash(s.resolve(nuip), &rec)
	rec.Case, rec.Delay = f.Case, f.Delay
	rec.Status = http.StatusOK
	switch f.Case {
	case CaseBlocked500:
		rec.Status = http.StatusInternalServerError
	case CaseReset:
		rec.Status = 0
	}
	s.record(rec)
	s.hold(r, f.Delay)
	s.wspAnswer(w, f)
}

// Messages of the wsp answers (contract §1).
const (
	wspCaptchaMessage = "Marque el cuadro de verificación o captcha!"
	wspCurlMessage    = "Curl error: Operation timed out after 15008 milliseconds with 0 bytes received"
)

// wspAnswer writes the answer the fixture scripts.
func (s *Server) wspAnswer(w http.ResponseWriter, f Fixture) {
	switch f.Case {
	case CaseFound, CaseSlow:
		s.writeWSPJSON(w, http.StatusOK, true, foundFragment(f), false)
	case CaseNotFound:
		s.writeWSPJSON(w, http.StatusOK, true, notFoundMessage(f.Cedula), false)
	case CaseCancelledDeceased, CaseCancelledOther:
		s.writeWSPJSON(w, http.StatusOK, true, cancelledFragment(f), false)
	case CaseBlocked:
		s.writeBlock(w, http.StatusOK)
	case CaseBlocked500:
		s.writeBlock(w, http.StatusInternalServerError)
	case CaseBroken:
		s.writeWSPJSON(w, http.StatusOK, true, brokenFragment(f), false)
	case CaseTransient:
		s.writeWSPJSON(w, http.StatusOK, false, wspCurlMessage, false)
	case CaseReload:
		s.writeWSPJSON(w, http.StatusOK, false, "Su sesión ha expirado, por favor recargue la página.", true)
	case CaseCaptchaRejected:
		s.writeWSPJSON(w, http.StatusOK, false, wspCaptchaMessage, false)
	case CaseGarbage:
		writeGarbage(w)
	case CaseReset:
		resetConn(w)
	default:
		s.writeWSPJSON(w, http.StatusOK, false, "Error desconocido.", false)
	}
}

// writeWSPJSON writes {"success", "data": {"message"}, "reload"?} encoded the
// way PHP's json_encode does (escaped slashes and \uXXXX for non-ASCII), so
// parsers meet the real byte shape.
func (s *Server) writeWSPJSON(w http.ResponseWriter, status int, success bool, message string, reload bool) {
	type data struct {
		Message string `json:"message"`
	}
	v := struct {
		Success bool `json:"success"`
		Data    data `json:"data"`
		Reload  bool `json:"reload,omitempty"`
	}{success, data{message}, reload}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(phpJSON(v))
}

// phpJSON marshals v like PHP's json_encode with default flags.
func phpJSON(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(fmt.Sprintf("fakeregistrar: encode: %v", err)) // only fixed types are encoded
	}
	b := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	var out bytes.Buffer
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		switch {
		case r == '/':
			out.WriteString(`\/`)
		case r >= 0x10000:
			r -= 0x10000
			fmt.Fprintf(&out, `\u%04x\u%04x`, 0xd800+(r>>10), 0xdc00+(r&0x3ff))
		case r >= 0x80:
			fmt.Fprintf(&out, `\u%04x`, r)
		default:
			out.WriteByte(b[0])
		}
		b = b[size:]
	}
	return out.Bytes()
}

// esc escapes a fixture value for HTML.
func esc(s string) string { return html.EscapeString(s) }

// foundFragment is the contract's "found" message: table#consulta with
// data-th cells, the MESA number in <b>, then the citizen notice.
func foundFragment(f Fixture) string {
	return `<div class="table-responsive"><table class="table table-striped table-bordered" id="consulta">` +
		`<thead><tr><th>NUIP</th><th>DEPARTAMENTO</th><th>MUNICIPIO</th><th>PUESTO</th><th>DIRECCIÓN</th><th>MESA</th></tr></thead>` +
		`<tbody><tr>` +
		`<td data-th="NUIP">` + esc(f.Cedula) + `</td>` +
		`<td data-th="DEPARTAMENTO">` + esc(f.Departamento) + `</td>` +
		`<td data-th="MUNICIPIO">` + esc(f.Municipio) + `</td>` +
		`<td data-th="PUESTO">` + esc(f.Puesto) + `</td>` +
		`<td data-th="DIRECCIÓN">` + esc(f.Direccion) + `</td>` +
		`<td data-th="MESA"><b>` + esc(f.Mesa) + `</b></td>` +
		`</tr></tbody></table></div>` +
		`<h3>Señor Ciudadano:</h3>` +
		`<h4>Recuerde que la información aquí suministrada corresponde al censo electoral definitivo para esta elección.</h4>`
}

// notFoundMessage is the APPROX "not in census" sentence of the contract.
func notFoundMessage(cedula string) string {
	return "El documento de identidad número " + esc(cedula) + " no se encuentra en el censo para esta elección."
}

// cancelledFragment is the APPROX novedad table: NUIP | NOVEDAD | RESOLUCIÓN | FECHA NOVEDAD.
func cancelledFragment(f Fixture) string {
	return `<div class="table-responsive"><table class="table table-striped table-bordered" id="consulta">` +
		`<thead><tr><th>NUIP</th><th>NOVEDAD</th><th>RESOLUCIÓN</th><th>FECHA NOVEDAD</th></tr></thead>` +
		`<tbody><tr>` +
		`<td data-th="NUIP">` + esc(f.Cedula) + `</td>` +
		`<td data-th="NOVEDAD">` + esc(f.Novedad) + `</td>` +
		`<td data-th="RESOLUCIÓN">` + esc(f.Resolucion) + `</td>` +
		`<td data-th="FECHA NOVEDAD">` + esc(f.FechaNovedad) + `</td>` +
		`</tr></tbody></table></div>`
}

// brokenFragment looks like a found table but its cells lost their labels
// and the MESA column is gone, as a redesign would leave it.
func brokenFragment(f Fixture) string {
	return `<div class="table-responsive"><table class="table" id="consulta">` +
		`<thead><tr><th>NUIP</th><th>DEPARTAMENTO</th><th>MUNICIPIO</th><th>PUESTO</th></tr></thead>` +
		`<tbody><tr><td data-th="NUIP">` + esc(f.Cedula) + `</td><td data-th="DEPARTAMENTO">` + esc(f.Departamento) +
		`</td><td data-th="MUNICIPIO">` + esc(f.Municipio) + `</td><td data-th="PUESTO">` + esc(f.Puesto) + `</td></tr></tbody></table></div>`
}
