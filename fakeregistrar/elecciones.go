package fakeregistrar

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// handleEleccionesPage serves the 2026 lookup page.
func (s *Server) handleEleccionesPage(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "Method Not Allowed", http.StatusMethodNotAllowed)
		return
	}
	if s.isHeadless(r) {
		s.blockPage(w)
		return
	}
	s.setTSCookie(w)
	s.mu.Lock()
	s.counters.EleccionesPageLoads++
	s.mu.Unlock()
	var buf bytes.Buffer
	if err := eleccionesPage.Execute(&buf, eleccionesPageData{SiteKey: s.cfg.EleccionesSiteKey, APIURL: s.cfg.EleccionesAPIURL}); err != nil {
		http.Error(w, "template: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write(buf.Bytes())
}

// setCORS lets the 2026 page call the API from its own origin, as the real
// API (on another host) allows.
func setCORS(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	origin := r.Header.Get("Origin")
	if origin == "" {
		origin = "*"
	}
	h.Set("Access-Control-Allow-Origin", origin)
	h.Add("Vary", "Origin")
	h.Set("Access-Control-Allow-Methods", "POST, OPTIONS")
	h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, Accept")
	h.Set("Access-Control-Max-Age", "600")
}

// apiRequest is the body the 2026 page posts.
type apiRequest struct {
	Identification     string `json:"identification"`
	IdentificationType string `json:"identification_type"`
	ElectionCode       string `json:"election_code"`
	Module             string `json:"module"`
	Platform           string `json:"platform"`
}

// handleAPI serves POST /api/v1/citizen/get-information and its preflight.
func (s *Server) handleAPI(w http.ResponseWriter, r *http.Request) {
	setCORS(w, r)
	switch r.Method {
	case http.MethodOptions:
		s.mu.Lock()
		s.counters.Preflights++
		s.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
		return
	case http.MethodPost:
	default:
		w.Header().Set("Allow", "POST, OPTIONS")
		writeAPIError(w, http.StatusMethodNotAllowed, "Método no permitido")
		return
	}
	rec := LookupRecord{At: time.Now(), Source: SourceElecciones}
	var req apiRequest
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 64<<10))
	if err == nil {
		err = json.Unmarshal(body, &req)
	}
	rec.Cedula = req.Identification
	refuse := s.refuser(&rec)
	if s.isHeadless(r) {
		refuse(CaseBlocked, "headless user agent", http.StatusOK, func() { s.writeBlock(w, http.StatusOK) })
		return
	}
	if err != nil {
		refuse("", "unreadable body", http.StatusBadRequest, func() { writeAPIError(w, http.StatusBadRequest, "Solicitud inválida") })
		return
	}
	token, hasBearer := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !hasBearer {
		token = ""
	}
	if why := s.spendToken(r.Context(), SourceElecciones, strings.TrimSpace(token)); why != "" {
		refuse(CaseCaptchaRejected, why, http.StatusForbidden, func() { writeAPIError(w, http.StatusForbidden, apiForbiddenMessage) })
		return
	}
	id := strings.TrimSpace(req.Identification)
	if !isDigits(id) || len(id) > 11 || (req.IdentificationType != "" && req.IdentificationType != "CC") {
		refuse("", "invalid identification", http.StatusUnprocessableEntity, func() {
			writeAPIError(w, http.StatusUnprocessableEntity, "Número de identificación no válido")
		})
		return
	}
	f := s.unleash(s.resolve(id), &rec)
	rec.Case, rec.Status, rec.Delay = f.Case, apiStatus(f.Case), f.Delay
	s.record(rec)
	s.hold(r, f.Delay)
	s.apiAnswer(w, f)
}

const apiForbiddenMessage = "Token de verificación inválido o ya utilizado"

// apiStatus is the HTTP status the API answers a case with.
func apiStatus(c Case) int {
	switch c {
	case CaseNotFound:
		return http.StatusNotFound
	case CaseBlocked500, CaseTransient:
		return http.StatusInternalServerError
	case CaseReload:
		return http.StatusBadGateway
	case CaseCaptchaRejected:
		return http.StatusForbidden
	case CaseReset:
		return 0
	}
	return http.StatusOK
}

// Shapes of the API's JSON (contract §3).
type (
	apiAnswer struct {
		Status     bool     `json:"status"`
		StatusCode int      `json:"status_code"`
		Message    string   `json:"message,omitempty"`
		Data       *apiData `json:"data,omitempty"`
	}
	apiData struct {
		Voter        apiVoter      `json:"voter"`
		IsInCensus   bool          `json:"is_in_census"`
		Novelty      []apiNovelty  `json:"novelty"`
		PollingPlace *apiPlaceJSON `json:"polling_place"`
	}
	apiVoter struct {
		Identification string `json:"identification"`
	}
	apiNovelty struct {
		Name             string `json:"name"`
		DescriptionLine1 string `json:"description_line_1"`
		Resolution       string `json:"resolution"`
		Date             string `json:"date"`
	}
	apiPlaceJSON struct {
		Stand        string          `json:"stand,omitempty"`
		StandCode    string          `json:"stand_code,omitempty"`
		Table        json.RawMessage `json:"table,omitempty"` // a number, as the API sends it
		PlaceAddress *apiAddress     `json:"place_address,omitempty"`
		Place        string          `json:"place,omitempty"` // only in the broken shape
	}
	apiAddress struct {
		State   string `json:"state"`
		Town    string `json:"town"`
		Address string `json:"address"`
		Zone    string `json:"zone"`
	}
)

// apiAnswer writes the answer the fixture scripts.
func (s *Server) apiAnswer(w http.ResponseWriter, f Fixture) {
	status := apiStatus(f.Case)
	voter := apiVoter{Identification: f.Cedula}
	switch f.Case {
	case CaseFound, CaseSlow:
		writeAPI(w, status, apiAnswer{Status: true, StatusCode: 200, Message: "Consulta exitosa", Data: &apiData{
			Voter: voter, IsInCensus: true, Novelty: []apiNovelty{},
			PollingPlace: &apiPlaceJSON{
				Stand: f.Puesto, StandCode: standCode(f.Puesto), Table: tableJSON(f.Mesa),
				PlaceAddress: &apiAddress{State: f.Departamento, Town: f.Municipio, Address: f.Direccion, Zone: "01"},
			},
		}})
	case CaseNotFound:
		writeAPI(w, status, apiAnswer{Status: false, StatusCode: 13, Message: "El documento no se encuentra en el censo electoral",
			Data: &apiData{Voter: voter, Novelty: []apiNovelty{}}})
	case CaseCancelledDeceased, CaseCancelledOther:
		writeAPI(w, status, apiAnswer{Status: true, StatusCode: 200, Message: "Consulta exitosa", Data: &apiData{
			Voter: voter, Novelty: []apiNovelty{{Name: f.Novedad, DescriptionLine1: "Documento con novedad en el censo",
				Resolution: f.Resolucion, Date: f.FechaNovedad}},
		}})
	case CaseBlocked, CaseBlocked500:
		s.writeBlock(w, status)
	case CaseBroken:
		writeAPI(w, status, apiAnswer{Status: true, StatusCode: 200, Data: &apiData{
			Voter: voter, IsInCensus: true, Novelty: []apiNovelty{}, PollingPlace: &apiPlaceJSON{Place: f.Puesto},
		}})
	case CaseTransient:
		writeAPI(w, status, apiAnswer{Status: false, StatusCode: 500, Message: "Internal Server Error"})
	case CaseReload:
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>\n")
	case CaseCaptchaRejected:
		writeAPIError(w, status, apiForbiddenMessage)
	case CaseGarbage:
		writeGarbage(w)
	case CaseReset:
		resetConn(w)
	default:
		writeAPIError(w, http.StatusInternalServerError, "Error desconocido")
	}
}

// tableJSON sends a numeric mesa as a JSON number, anything else as a string.
func tableJSON(mesa string) json.RawMessage {
	if n, err := strconv.Atoi(mesa); err == nil {
		return json.RawMessage(strconv.Itoa(n))
	}
	b, _ := json.Marshal(mesa)
	return b
}

// standCode derives a stable two-digit puesto code.
func standCode(puesto string) string {
	sum := 0
	for _, r := range puesto {
		sum += int(r)
	}
	return strconv.Itoa(10 + sum%90)
}

func writeAPI(w http.ResponseWriter, status int, v apiAnswer) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "encode: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func writeAPIError(w http.ResponseWriter, status int, msg string) {
	writeAPI(w, status, apiAnswer{Status: false, StatusCode: status, Message: msg})
}
