package census

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// deathWords mean a death wherever they appear in a folded novedad: the
// registrar's "Cancelada por Muerte" (and "... Facultad Ley"), the
// "FALLECIDO" the previous system matched, and "DEFUNCIÓN".
var deathWords = []string{"cancelada por muerte", "fallecido", "fallecida", "defuncion"}

// IsDeathNovedad reports whether a novedad means the person died, ignoring
// case, accents and spacing; any other novedad is cancelled_other, since a
// person with one cannot be counted as an ordinary voter until a human looks.
func IsDeathNovedad(novedad string) bool {
	folded := strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Mn, r) {
			return -1
		}
		return unicode.ToLower(r)
	}, norm.NFD.String(novedad))
	folded = strings.Join(strings.Fields(folded), " ")
	for _, w := range deathWords {
		if strings.Contains(folded, w) {
			return true
		}
	}
	return false
}
