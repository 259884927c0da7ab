package census

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Novedad groups: what a registrar's novedad means to a person, whatever
// its exact wording (see NovedadGroup).
const (
	// NovedadCancelled: the cédula is no longer valid (death, double
	// cédula, impersonation, foreign nationality, ... and "Baja por ...").
	NovedadCancelled = "cancelled"
	// NovedadCannotVote: the cédula is valid but its holder cannot vote
	// (loss or suspension of political rights, judicial interdiction).
	NovedadCannotVote = "cannot_vote"
	// NovedadPending: the document is still being issued or reprocessed.
	NovedadPending = "pending"
)

// NovedadWords are a novedad group's label and sentences.
type NovedadWords struct {
	Label  string `json:"label"`  // the badge
	Member string `json:"member"` // to the person, "tú"
	Leader string `json:"leader"` // about the person, to their leader, with the next step
	Next   string `json:"next"`   // the worklist line, "{nombre}" for the first name
}

// novedadWords are each group's words.
var novedadWords = map[string]NovedadWords{
	NovedadCancelled: {
		Label:  "Cancelada",
		Member: "La Registraduría reporta tu cédula como cancelada: ya no es válida para votar. Si crees que es un error, acude a la Registraduría con tu documento y la resolución que aparece abajo.",
		Leader: "La Registraduría reporta esta cédula como cancelada: ya no es válida para votar. Si la persona cree que es un error, debe acudir a la Registraduría con la resolución.",
		Next:   "La cédula de {nombre} está cancelada: que acuda a la Registraduría",
	},
	NovedadCannotVote: {
		Label:  "Vigente, no puede votar",
		Member: "Tu cédula es válida, pero la Registraduría reporta una novedad que te impide votar por ahora (la ves abajo). Para saber hasta cuándo, consulta en la Registraduría con la resolución.",
		Leader: "La cédula es válida, pero la persona no puede votar por la novedad que reporta la Registraduría. No cuenta como voto; puede consultar en la Registraduría hasta cuándo aplica.",
		Next:   "{nombre} tiene la cédula vigente pero no puede votar: revisa la novedad",
	},
	NovedadPending: {
		Label:  "Cédula en trámite",
		Member: "Tu cédula aún está en trámite en la Registraduría (en expedición o en reproceso). Cuando esté lista podrás votar; la volveremos a consultar.",
		Leader: "La cédula aún está en trámite en la Registraduría (en expedición o en reproceso). Pregúntale a la persona si ya la recibió y pide otra consulta entonces.",
		Next:   "La cédula de {nombre} está en trámite: pregúntale si ya la recibió",
	},
}

// novedadRules map the start of a normalised novedad (NormalizeKey) to its
// group, first match wins; "vigente con" comes before anything that could
// also match. The web app applies the same rules (census-vocab.js).
var novedadRules = [][2]string{
	{"vigente con", NovedadCannotVote},
	{"pendiente", NovedadPending},
	{"en proceso", NovedadPending},
	{"cancelada", NovedadCancelled},
	{"baja", NovedadCancelled},
	{"fallecido", NovedadCancelled},
	{"defuncion", NovedadCancelled},
}

// NovedadGroup is the group of a registrar's novedad text, "" when the
// wording is unknown (the record's status then speaks alone).
func NovedadGroup(novedad string) string {
	key := NormalizeKey(novedad)
	for _, r := range novedadRules {
		if strings.HasPrefix(key, r[0]) {
			return r[1]
		}
	}
	return ""
}

// Novedad is the words of a novedad group (zero for an unknown group).
func Novedad(group string) NovedadWords { return novedadWords[group] }

// NormalizeKey folds s for matching the registrar's free text: lower case,
// accents dropped, every run of other characters one space. The web app's
// census.js folds the same way.
func NormalizeKey(s string) string {
	var b strings.Builder
	space := false
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(unicode.ToLower(r))
		default:
			space = true
		}
	}
	return b.String()
}
