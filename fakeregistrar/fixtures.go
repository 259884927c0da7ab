package fakeregistrar

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"strconv"
	"time"
)

// Case scripts how the fake answers a lookup for one cédula.
type Case string

// The scripted behaviours; each maps to one parser outcome or error class.
const (
	CaseFound             Case = "found"
	CaseNotFound          Case = "not_found"
	CaseCancelledDeceased Case = "cancelled_deceased"
	CaseCancelledOther    Case = "cancelled_other"
	CaseBlocked           Case = "blocked"     // F5 block page, HTTP 200
	CaseBlocked500        Case = "blocked_500" // F5 block page, HTTP 500
	CaseSlow              Case = "slow"        // found, after Delay
	CaseBroken            Case = "broken"      // a found-looking answer the parser cannot read
	CaseTransient         Case = "transient"   // wsp "Curl error"; elecciones HTTP 500
	CaseReload            Case = "reload"      // wsp success:false reload:true; elecciones HTTP 502 page
	CaseCaptchaRejected   Case = "captcha_rejected"
	CaseFlaky             Case = "flaky" // transient for the first FailTimes lookups, then found
)

// Cases lists every Case, so tests can check each one is covered.
var Cases = []Case{
	CaseFound, CaseNotFound, CaseCancelledDeceased, CaseCancelledOther, CaseBlocked,
	CaseBlocked500, CaseSlow, CaseBroken, CaseTransient, CaseReload, CaseCaptchaRejected, CaseFlaky,
}

// Valid reports whether c is a known case, so a typo in a fixtures file fails loudly.
func (c Case) Valid() bool {
	for _, k := range Cases {
		if c == k {
			return true
		}
	}
	return false
}

// DefaultSlowDelay is the delay of a CaseSlow fixture that sets none: longer
// than any sane per-lookup timeout in tests.
const DefaultSlowDelay = 10 * time.Second

// Fixture scripts the registrar's answer for one cédula.
type Fixture struct {
	Cedula string `json:"cedula"`
	Case   Case   `json:"case"`

	// Location answered when found (found, slow, flaky); generated from the
	// cédula when left empty.
	Departamento string `json:"departamento,omitempty"`
	Municipio    string `json:"municipio,omitempty"`
	Puesto       string `json:"puesto,omitempty"`
	Direccion    string `json:"direccion,omitempty"`
	Mesa         string `json:"mesa,omitempty"`

	// Novedad row answered when cancelled; defaults to "Cancelada por Muerte"
	// (deceased) or "Cancelada por Doble Cedulación" (other).
	Novedad      string `json:"novedad,omitempty"`
	Resolucion   string `json:"resolucion,omitempty"`
	FechaNovedad string `json:"fecha_novedad,omitempty"`

	// Delay holds the answer back this long, for any case; CaseSlow defaults
	// to DefaultSlowDelay.
	Delay time.Duration `json:"-"`
	// FailTimes is how many lookups of a CaseFlaky cédula fail transiently
	// before it is found; default 1.
	FailTimes int `json:"fail_times,omitempty"`
}

// Want is what a correct parser concludes from a fixture's answer, as strings
// so this package need not import the parsers (package registrar).
type Want struct {
	// Outcome is the census.Outcome value expected, "" when Class is set.
	Outcome string
	// Class is the expected error class's text (census.ErrBlocked.Error()
	// is "blocked", ...), "" when Outcome is set.
	Class string
}

// Want returns the eventual parse result of a lookup of f: for CaseFlaky
// that is found (the failing attempts are "transient").
func (f Fixture) Want() Want {
	switch f.Case {
	case CaseFound, CaseSlow, CaseFlaky:
		return Want{Outcome: "found"}
	case CaseNotFound:
		return Want{Outcome: "not_found"}
	case CaseCancelledDeceased:
		return Want{Outcome: "cancelled_deceased"}
	case CaseCancelledOther:
		return Want{Outcome: "cancelled_other"}
	case CaseBlocked, CaseBlocked500:
		return Want{Class: "blocked"}
	case CaseBroken:
		return Want{Class: "site_changed"}
	case CaseTransient, CaseReload:
		return Want{Class: "transient"}
	case CaseCaptchaRejected:
		return Want{Class: "captcha"}
	}
	return Want{Class: "site_changed"}
}

// complete fills the defaults a fixture leaves out, so answers are always
// well-formed for their case.
func (f Fixture) complete() Fixture {
	switch f.Case {
	case CaseFound, CaseSlow, CaseFlaky, CaseBroken:
		g := generatedLocation(f.Cedula)
		if f.Departamento == "" && f.Municipio == "" && f.Puesto == "" {
			f.Departamento, f.Municipio, f.Puesto, f.Direccion = g.Departamento, g.Municipio, g.Puesto, g.Direccion
		}
		if f.Mesa == "" {
			f.Mesa = g.Mesa
		}
	case CaseCancelledDeceased:
		if f.Novedad == "" {
			f.Novedad = "Cancelada por Muerte"
		}
	case CaseCancelledOther:
		if f.Novedad == "" {
			f.Novedad = "Cancelada por Doble Cedulación"
		}
	}
	if f.Case == CaseSlow && f.Delay == 0 {
		f.Delay = DefaultSlowDelay
	}
	if f.Case == CaseFlaky && f.FailTimes <= 0 {
		f.FailTimes = 1
	}
	return f
}

// place is one polling station used to generate locations.
type place struct{ dep, mun, puesto, dir string }

// places are real-looking polling stations for generated locations.
var places = []place{
	{"BOGOTA D.C.", "BOGOTA. D.C.", "COL. DISTRITAL RESTREPO MILLAN", "CL 42 SUR # 24 - 50"},
	{"BOGOTA D.C.", "BOGOTA. D.C.", "UNIVERSIDAD PEDAGOGICA NACIONAL", "CL 72 # 11 - 86"},
	{"ANTIOQUIA", "MEDELLIN", "I.E. INEM JOSE FELIX DE RESTREPO", "CR 48 # 1 - 125"},
	{"ANTIOQUIA", "BELLO", "I.E. FERNANDO VELEZ", "CL 50 # 49 - 32"},
	{"VALLE", "CALI", "UNIVERSIDAD SANTIAGO DE CALI", "CL 5 # 62 - 00"},
	{"ATLANTICO", "BARRANQUILLA", "COLEGIO AMERICANO", "CR 43 # 62 - 09"},
	{"SANTANDER", "BUCARAMANGA", "COLEGIO SANTANDER", "CR 27 # 36 - 40"},
	{"BOLIVAR", "CARTAGENA", "I.E. SOLEDAD ACOSTA DE SAMPER", "CR 17 # 29 - 120"},
	{"NARIÑO", "PASTO", "COLEGIO JAVERIANO", "CL 18 # 29 - 73"},
	{"CORDOBA", "MONTERIA", "I.E. LICEO LA PRADERA", "CL 29 # 14 - 22"},
	{"BOYACA", "TUNJA", "COLEGIO DE BOYACA", "CR 10 # 18 - 44"},
	{"CAUCA", "POPAYAN", "I.E. INEM FRANCISCO JOSE DE CALDAS", "CL 2 # 5 - 60"},
}

// generatedLocation gives any cédula a stable polling place, so load tests
// can use arbitrary numbers and still compare results across runs.
func generatedLocation(cedula string) Fixture {
	h := fnv.New32a()
	_, _ = io.WriteString(h, cedula)
	sum := h.Sum32()
	p := places[sum%uint32(len(places))]
	return Fixture{
		Cedula: cedula, Case: CaseFound,
		Departamento: p.dep, Municipio: p.mun, Puesto: p.puesto, Direccion: p.dir,
		Mesa: strconv.Itoa(int(sum/uint32(len(places))%60) + 1),
	}
}

//go:embed fixtures.json
var defaultFixturesJSON []byte

// DefaultFixtures returns the demo table (every case at least once, several
// departamentos); it is the embedded fixtures.json, also loadable by the CLI.
func DefaultFixtures() []Fixture {
	fs, err := decodeFixtures(defaultFixturesJSON)
	if err != nil {
		panic(fmt.Sprintf("fakeregistrar: embedded fixtures.json: %v", err))
	}
	return fs
}

// DefaultFixturesJSON returns the embedded demo table, so the CLI can write
// it out as a starting point for a custom one.
func DefaultFixturesJSON() []byte {
	return append([]byte(nil), defaultFixturesJSON...)
}

// fixtureJSON is Fixture on disk: Delay is a Go duration string ("3s").
type fixtureJSON struct {
	Fixture
	Delay string `json:"delay,omitempty"`
}

// LoadFixtures reads a JSON array of fixtures (the fixtures.json format),
// so demos can script cédulas without recompiling.
func LoadFixtures(r io.Reader) ([]Fixture, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read fixtures: %w", err)
	}
	return decodeFixtures(b)
}

func decodeFixtures(b []byte) ([]Fixture, error) {
	var raw []fixtureJSON
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("decode fixtures: %w", err)
	}
	out := make([]Fixture, 0, len(raw))
	seen := map[string]bool{}
	for i, fj := range raw {
		f := fj.Fixture
		if f.Cedula == "" || !isDigits(f.Cedula) || len(f.Cedula) > 11 {
			return nil, fmt.Errorf("fixture %d: cedula %q must be 1-11 digits", i, f.Cedula)
		}
		if !f.Case.Valid() {
			return nil, fmt.Errorf("fixture %d (%s): unknown case %q", i, f.Cedula, f.Case)
		}
		if seen[f.Cedula] {
			return nil, fmt.Errorf("fixture %d: duplicate cedula %s", i, f.Cedula)
		}
		seen[f.Cedula] = true
		if fj.Delay != "" {
			d, err := time.ParseDuration(fj.Delay)
			if err != nil || d < 0 {
				return nil, fmt.Errorf("fixture %d (%s): bad delay %q", i, f.Cedula, fj.Delay)
			}
			f.Delay = d
		}
		out = append(out, f)
	}
	return out, nil
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}
