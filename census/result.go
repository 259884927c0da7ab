package census

import (
	"context"
	"time"
)

// Outcome is the registrar's answer about a cédula, in the words the attempt
// history stores; StatusOf turns it into the record's status.
type Outcome string

// The four answers the registrar can give.
const (
	OutcomeFound             Outcome = "found"
	OutcomeNotFound          Outcome = "not_found"
	OutcomeCancelledDeceased Outcome = "cancelled_deceased"
	OutcomeCancelledOther    Outcome = "cancelled_other"
)

// Source names the registrar site a lookup used.
type Source string

// The two registrar sites; SourceWSP is the default.
const (
	SourceWSP        Source = "wsp"
	SourceElecciones Source = "elecciones"
)

// Result is one answer from the registrar, ready to be stored on cedula_info.
type Result struct {
	Cedula  string  `json:"cedula"`
	Outcome Outcome `json:"outcome"`

	// Where the person votes (found only).
	Departamento string `json:"departamento"`
	Municipio    string `json:"municipio"`
	Puesto       string `json:"puesto"`
	Direccion    string `json:"direccion"`
	Mesa         string `json:"mesa"`

	// Why the cédula was cancelled (cancelled_* only).
	Novedad      string `json:"novedad"`
	Resolucion   string `json:"resolucion"`
	FechaNovedad string `json:"fecha_novedad"`

	// Source is the site that answered; Raw its response body (the JSON the
	// site returned), kept so an answer can be re-parsed after a parser fix.
	Source Source `json:"-"`
	Raw    string `json:"-"`
	// Duration is how long the whole lookup took, captcha included.
	Duration time.Duration `json:"-"`
}

// Lookuper asks the registrar about one cédula: the Chromium engine in
// package scraper, a scripted one in tests, or a remote agent. A failure
// wraps exactly one of the Err* classes.
type Lookuper interface {
	Lookup(ctx context.Context, cedula string) (Result, error)
}
