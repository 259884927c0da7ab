package hooks

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"golang.org/x/text/unicode/norm"
)

// Name and phone rules: Spanish messages for people, stable codes for programs.
var (
	errNameRequired = validation.NewError("name_required", "Ingresa tu nombre completo.")
	errNameLength   = validation.NewError("name_length", "El nombre debe tener al menos 3 letras y como máximo 120 caracteres.")
	errNameChars    = validation.NewError("name_invalid_chars", "El nombre solo puede tener letras y espacios.")
	errNameScripts  = validation.NewError("name_mixed_scripts", "Escribe tu nombre con un solo alfabeto, sin mezclar letras de alfabetos distintos (por ejemplo, latinas y cirílicas).")
	errPhoneInvalid = validation.NewError("phone_invalid", "Ingresa un celular colombiano de 10 dígitos que empiece por 3, por ejemplo 300 123 4567.")
)

// Name bounds: letters counted without marks or separators, length in
// characters after normalisation (the users.name field's own bounds).
const (
	nameMinLetters = 3
	nameMaxRunes   = 120
	// nameMaxMarks caps the accents on one letter, precomposed or not: real
	// names need one or two ("ệ"), stacked marks are decoration that hides
	// the name.
	nameMaxMarks = 2
)

// normalizeName folds what people type into one canonical spelling (NFKC:
// full-width letters become ASCII, accents are composed, typographic
// apostrophes become '), collapses spaces, and checks that what is left is a
// plausible full name: at least three letters of one script, accents
// attached to letters, single spaces, apostrophes and hyphens between
// letters. Invisible characters (format controls, Hangul fillers,
// variation selectors) are refused: they make names that look the same
// and are not.
func normalizeName(raw string) (string, error) {
	folded := strings.ReplaceAll(norm.NFKC.String(raw), "\u2019", "'")
	name := strings.Join(strings.Fields(folded), " ")
	if name == "" {
		return "", errNameRequired
	}
	if utf8.RuneCountInString(name) > nameMaxRunes {
		return "", errNameLength
	}
	letters, marks := 0, 0
	prevLetter := false
	var scripts []*unicode.RangeTable
	for _, r := range name {
		switch {
		case invisible(r):
			return "", errNameChars
		case unicode.IsLetter(r):
			// A precomposed letter carries its accents ("á" is a and ◌́).
			prevLetter, marks = true, utf8.RuneCountInString(norm.NFD.String(string(r)))-1
			// Modifier letters of no script (the ʻokina) are allowed but
			// are not letters of the name.
			if s := scriptOf(r); s != unicode.Common && s != unicode.Inherited {
				letters++
				if !slices.Contains(scripts, s) {
					scripts = append(scripts, s)
				}
			}
		case unicode.IsMark(r) && prevLetter:
			if marks++; marks > nameMaxMarks {
				return "", errNameChars
			}
		case (r == ' ' || r == '\'' || r == '-') && prevLetter:
			prevLetter = false
		default:
			return "", errNameChars
		}
	}
	switch {
	case !prevLetter:
		return "", errNameChars
	case letters < nameMinLetters:
		return "", errNameLength
	case !oneWritingSystem(scripts):
		return "", errNameScripts
	}
	return name, nil
}

// invisible reports characters that render as nothing: format controls
// (zero-width joiners, bidi overrides, soft hyphens), the Hangul fillers
// (letters by category, blank on screen) and variation selectors.
func invisible(r rune) bool {
	return unicode.Is(unicode.Cf, r) ||
		unicode.Is(unicode.Other_Default_Ignorable_Code_Point, r) ||
		unicode.Is(unicode.Variation_Selector, r)
}

// scriptOf is the Unicode script of r; Latin is tried first since nearly
// every name here is written in it.
func scriptOf(r rune) *unicode.RangeTable {
	if unicode.Is(unicode.Latin, r) {
		return unicode.Latin
	}
	for _, t := range unicode.Scripts {
		if unicode.Is(t, r) {
			return t
		}
	}
	return unicode.Common
}

// oneWritingSystem reports whether scripts are one way of writing: a single
// script, or one of the mixes Unicode's "highly restrictive" identifier
// profile allows (Japanese: kanji with kana; Korean: hangul with hanja;
// Chinese with bopomofo).
func oneWritingSystem(scripts []*unicode.RangeTable) bool {
	if len(scripts) <= 1 {
		return true
	}
	for _, set := range [][]*unicode.RangeTable{
		{unicode.Han, unicode.Hiragana, unicode.Katakana},
		{unicode.Han, unicode.Hangul},
		{unicode.Han, unicode.Bopomofo},
	} {
		outside := func(s *unicode.RangeTable) bool { return !slices.Contains(set, s) }
		if !slices.ContainsFunc(scripts, outside) {
			return true
		}
	}
	return false
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
