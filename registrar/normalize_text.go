package registrar

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// fold lowercases s, strips accents and collapses whitespace, so that labels
// and messages compare the way a person reads them ("DIRECCIÓN" == "direccion").
func fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case unicode.IsSpace(r) || r == '\u00a0':
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// squash collapses runs of whitespace (including &nbsp;) and trims, keeping
// case and accents, so stored values look like what the site displayed.
func squash(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || r == '\u00a0'
	}), " ")
}

// digitsOnly keeps the digits of s, so "1.102.812.122" compares equal to
// "1102812122".
func digitsOnly(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}
