package hooks

import (
	"strings"
	"unicode"
	"unicode/utf8"

	validation "github.com/pocketbase/ozzo-validation/v4"
)

// Name and phone rules: Spanish messages for people, stable codes for programs.
var (
	errNameRequired = validation.NewError("name_required", "Ingresa tu nombre completo.")
	errNameLength   = validation.NewError("name_length", "El nombre debe tener entre 3 y 120 caracteres.")
	errNameChars    = validation.NewError("name_invalid_chars", "El nombre solo puede tener letras y espacios.")
	errPhoneInvalid = validation.NewError("phone_invalid", "Ingresa un celular colombiano de 10 dígitos que empiece por 3, por ejemplo 300 123 4567.")
)

// normalizeName trims and collapses the spaces people type, then checks that
// what is left is a plausible full name: letters (accents included), single
// spaces, apostrophes and hyphens between letters.
func normalizeName(raw string) (string, error) {
	name := strings.Join(strings.Fields(raw), " ")
	if name == "" {
		return "", errNameRequired
	}
	if n := utf8.RuneCountInString(name); n < 3 || n > 120 {
		return "", errNameLength
	}
	prevLetter := false
	for _, r := range name {
		switch {
		case unicode.IsLetter(r) || unicode.Is(unicode.Mn, r):
			prevLetter = true
		case (r == ' ' || r == '\'' || r == '-') && prevLetter:
			prevLetter = false
		default:
			return "", errNameChars
		}
	}
	if !prevLetter {
		return "", errNameChars
	}
	return name, nil
}

// normalizePhone accepts a Colombian mobile as people write it ("+57 300 123
// 4567", "300-123-4567", "(300) 1234567") and returns its 10 digits.
func normalizePhone(raw string) (string, error) {
	var b strings.Builder
	for i, r := range strings.TrimSpace(raw) {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && i == 0:
		case r == ' ' || r == '-' || r == '.' || r == '(' || r == ')' || r == '\u00a0':
		default:
			return "", errPhoneInvalid
		}
	}
	digits := b.String()
	if len(digits) == 12 && strings.HasPrefix(digits, "57") {
		digits = digits[2:]
	}
	if len(digits) != 10 || digits[0] != '3' {
		return "", errPhoneInvalid
	}
	return digits, nil
}
