// Package cedula normalises and validates Colombian cédula numbers, so every
// layer (registration, CLI, scraper) agrees on what a valid number is.
//
// A cédula has no check digit. Old ones have 3 to 8 digits; those issued since
// 2000 (NUIP) have 10 and start with 1. People type them with dots or spaces
// ("1.102.812.122", "1102 812 122"); we store digits only.
package cedula

import (
	"errors"
	"strings"
)

// Validation failures, each with a stable code for API clients and a Spanish
// message for people.
var (
	ErrEmpty       = &Error{Code: "cedula_required", Message: "Ingresa tu número de cédula."}
	ErrNotDigits   = &Error{Code: "cedula_not_digits", Message: "La cédula solo puede tener números (puedes usar puntos o espacios como separadores)."}
	ErrTooShort    = &Error{Code: "cedula_too_short", Message: "La cédula debe tener al menos 3 dígitos."}
	ErrTooLong     = &Error{Code: "cedula_too_long", Message: "La cédula debe tener como máximo 10 dígitos."}
	ErrLeadingZero = &Error{Code: "cedula_leading_zero", Message: "La cédula no puede empezar por cero."}
)

// MinDigits and MaxDigits bound a normalised cédula; the registrar's legacy form
// takes at most 10 digits.
const (
	MinDigits = 3
	MaxDigits = 10
)

// Error is a validation failure that carries both audiences' wording.
type Error struct {
	Code    string // stable, English, for programs
	Message string // Spanish, for people
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Normalize strips the separators people type between digits (dots,
// spaces, non-breaking spaces) and validates the digits that remain.
// Anything else is refused rather than guessed at: a sign ("-1400000505"),
// a dot that separates nothing ("1400000515.", ".123"), commas or hyphens.
func Normalize(raw string) (string, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return "", ErrEmpty
	}
	var b strings.Builder
	b.Grow(len(s))
	prevDigit := false
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
			prevDigit = true
		case r == '.' && prevDigit:
			prevDigit = false
		case r == ' ' || r == '\u00a0':
			// spaces people type; dropped (trimmed at both ends)
		default:
			return "", ErrNotDigits
		}
	}
	if strings.HasSuffix(s, ".") {
		return "", ErrNotDigits // a dot with no digit after it
	}
	digits := b.String()
	switch {
	case digits == "":
		return "", ErrNotDigits
	case len(digits) < MinDigits:
		return "", ErrTooShort
	case len(digits) > MaxDigits:
		return "", ErrTooLong
	case digits[0] == '0':
		return "", ErrLeadingZero
	}
	return digits, nil
}

// AsError extracts the validation failure from err, if it is one.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}
