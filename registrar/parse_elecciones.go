package registrar

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"strings"

	"github.com/padron/padron/census"
)

// flexString accepts a JSON string, number, boolean or null, because the API's
// numeric-looking fields (table, stand_code, identification) are not typed
// consistently.
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		*f = ""
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = flexString(squash(s))
	case b[0] == '{' || b[0] == '[':
		return errors.New("expected a scalar")
	default:
		*f = flexString(b)
	}
	return nil
}

// eleccionesAnswer is the 2026 API's answer.
type eleccionesAnswer struct {
	Status     flexString      `json:"status"`
	StatusCode flexString      `json:"status_code"`
	Data       *eleccionesData `json:"data"`
}

type eleccionesData struct {
	Voter *struct {
		Identification flexString `json:"identification"`
	} `json:"voter"`
	IsInCensus   flexString          `json:"is_in_census"`
	Novelty      []eleccionesNovelty `json:"-"`
	PollingPlace *struct {
		Stand        flexString `json:"stand"`
		StandCode    flexString `json:"stand_code"`
		Table        flexString `json:"table"`
		PlaceAddress *struct {
			State   flexString `json:"state"`
			Town    flexString `json:"town"`
			Address flexString `json:"address"`
			Zone    flexString `json:"zone"`
		} `json:"place_address"`
	} `json:"polling_place"`
}

type eleccionesNovelty struct {
	Name             flexString `json:"name"`
	DescriptionLine1 flexString `json:"description_line_1"`
	Resolution       flexString `json:"resolution"`
	Date             flexString `json:"date"`
}

// UnmarshalJSON accepts novelty as a list, a single object or null.
func (d *eleccionesData) UnmarshalJSON(b []byte) error {
	type plain eleccionesData
	var aux struct {
		*plain
		Novelty json.RawMessage `json:"novelty"`
	}
	aux.plain = (*plain)(d)
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	nv := bytes.TrimSpace(aux.Novelty)
	switch {
	case len(nv) == 0 || string(nv) == "null":
	case nv[0] == '[':
		return json.Unmarshal(nv, &d.Novelty)
	default:
		var one eleccionesNovelty
		if err := json.Unmarshal(nv, &one); err != nil {
			return err
		}
		d.Novelty = []eleccionesNovelty{one}
	}
	return nil
}

// ParseElecciones reads the 2026 API's JSON answer; status is the HTTP status,
// 0 when unknown (a stored raw body), in which case the JSON's status_code
// decides. Novelties are read like the legacy page's novedad table.
func ParseElecciones(cedula string, status int, body []byte) (census.Result, error) {
	if IsBlockPage(body) {
		return census.Result{}, failBody(census.ErrBlocked, body, "elecciones: firewall block page (HTTP %d)", status)
	}
	var a eleccionesAnswer
	if !looksLikeJSON(body) || json.Unmarshal(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")), &a) != nil {
		if status == 401 || status == 403 {
			return census.Result{}, failBody(census.ErrCaptcha, body, "elecciones: token rejected (HTTP %d)", status)
		}
		return census.Result{}, failBody(StatusClass(status), body, "elecciones: answer is not the expected JSON (HTTP %d)", status)
	}
	code, _ := strconv.Atoi(string(a.StatusCode))
	switch {
	case status == 401 || status == 403 || code == 401 || code == 403:
		return census.Result{}, failBody(census.ErrCaptcha, body, "elecciones: token used or rejected (HTTP %d, status_code %d)", status, code)
	case status >= 500 || code >= 500:
		return census.Result{}, failBody(census.ErrTransient, body, "elecciones: server error (HTTP %d, status_code %d)", status, code)
	case status == 429 || code == 429:
		return census.Result{}, failBody(census.ErrBlocked, body, "elecciones: rate limited (HTTP %d)", status)
	}
	asked := ""
	if a.Data != nil && a.Data.Voter != nil {
		asked = string(a.Data.Voter.Identification)
	}
	c, err := checkCedula(cedula, asked, body)
	if err != nil {
		return census.Result{}, err
	}
	r, err := eleccionesOutcome(c, code, status, a.Data, body)
	if err != nil {
		return census.Result{}, err
	}
	r.Source = census.SourceElecciones
	r.Raw = string(body)
	return r, nil
}

// eleccionesOutcome turns a readable, non-error answer into a Result.
func eleccionesOutcome(cedula string, code, status int, d *eleccionesData, body []byte) (census.Result, error) {
	if code == 13 {
		return census.Result{Cedula: cedula, Outcome: census.OutcomeNotFound}, nil
	}
	if d == nil {
		return census.Result{}, failBody(census.ErrSiteChanged, body, "elecciones: no data (HTTP %d, status_code %d)", status, code)
	}
	pick := -1
	for i, n := range d.Novelty {
		if n.Name == "" {
			continue
		}
		if pick < 0 || census.IsDeathNovedad(string(n.Name)) {
			pick = i
		}
		if census.IsDeathNovedad(string(n.Name)) {
			break
		}
	}
	if pick >= 0 {
		n := d.Novelty[pick]
		return cancelledResult(cedula, string(n.Name), string(n.Resolution), string(n.Date)), nil
	}
	switch strings.ToLower(string(d.IsInCensus)) {
	case "false", "0", "no":
		return census.Result{Cedula: cedula, Outcome: census.OutcomeNotFound}, nil
	}
	pp := d.PollingPlace
	if pp == nil || pp.PlaceAddress == nil {
		return census.Result{}, failBody(census.ErrSiteChanged, body, "elecciones: no polling_place (HTTP %d, status_code %d)", status, code)
	}
	r := census.Result{
		Cedula:       cedula,
		Outcome:      census.OutcomeFound,
		Departamento: string(pp.PlaceAddress.State),
		Municipio:    string(pp.PlaceAddress.Town),
		Puesto:       string(pp.Stand),
		Direccion:    string(pp.PlaceAddress.Address),
		Mesa:         string(pp.Table),
	}
	if r.Departamento == "" || r.Municipio == "" || r.Puesto == "" || r.Mesa == "" {
		return census.Result{}, failBody(census.ErrSiteChanged, body, "elecciones: polling_place lacks state, town, stand or table")
	}
	return r, nil
}
