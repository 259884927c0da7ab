package census_test

import (
	"strings"
	"testing"

	"github.com/padron/padron/census"
)

// registrarNovedades is the registrar's reason vocabulary (docs in
// /work/shared/registraduria.md) with the group each must read as.
var registrarNovedades = map[string]string{
	"Cancelada por Muerte":                                       census.NovedadCancelled,
	"Cancelada por Doble Cedulación":                             census.NovedadCancelled,
	"Cancelada por Suplantación":                                 census.NovedadCancelled,
	"Cancelada por Menoría de Edad":                              census.NovedadCancelled,
	"Cancelada por Extranjería":                                  census.NovedadCancelled,
	"Cancelada por Mala Elaboración":                             census.NovedadCancelled,
	"Cancelada con reasignación de cupo numérico":                census.NovedadCancelled,
	"Cancelada por Extranjería sin Carta de Naturaleza":          census.NovedadCancelled,
	"CANCELADA POR MUERTE FACULTAD LEY":                          census.NovedadCancelled,
	"Cancelada por Falsa Identidad":                              census.NovedadCancelled,
	"Baja por Perdida o Suspension de los Derechos Politicos":    census.NovedadCancelled,
	"Vigente con Pérdida o Suspensión de los Derechos Políticos": census.NovedadCannotVote,
	"VIGENTE CON INTERDICCIÓN JUDICIAL":                          census.NovedadCannotVote,
	"Pendiente Solicitud en Reproceso":                           census.NovedadPending,
	"Pendiente por estar en Proceso de Expedición":               census.NovedadPending,
	"Algo que la Registraduría nunca escribió":                   "",
	"": "",
}

// TestNovedadGroups: every novedad the registrar writes reads as what it
// means, a valid cédula whose holder cannot vote never as cancelled, and
// every group has all its words.
func TestNovedadGroups(t *testing.T) {
	t.Parallel()
	for text, want := range registrarNovedades {
		if got := census.NovedadGroup(text); got != want {
			t.Errorf("NovedadGroup(%q) = %q, want %q", text, got, want)
		}
	}
	for _, g := range []string{census.NovedadCancelled, census.NovedadCannotVote, census.NovedadPending} {
		w := census.Novedad(g)
		if w.Label == "" || w.Member == "" || w.Leader == "" || !strings.Contains(w.Next, "{nombre}") {
			t.Errorf("group %s lacks words: %+v", g, w)
		}
		if g == census.NovedadCannotVote && strings.Contains(strings.ToLower(w.Label+w.Member), "cancel") {
			t.Errorf("a valid cédula reads as cancelled: %+v", w)
		}
	}
}

// TestLabelOf: the spreadsheet's label follows the novedad's meaning.
func TestLabelOf(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ status, novedad, want string }{
		{census.StatusCancelledOther, "Vigente con Interdicción Judicial", "Vigente, no puede votar"},
		{census.StatusCancelledOther, "Baja por doble cedulación", "Cancelada"},
		{census.StatusCancelledOther, "Pendiente Solicitud en Reproceso", "Cédula en trámite"},
		{census.StatusCancelledOther, "otra cosa", census.Label(census.StatusCancelledOther)},
		{census.StatusActive, "", "Habilitada"},
	} {
		if got := census.LabelOf(c.status, c.novedad); got != c.want {
			t.Errorf("LabelOf(%s, %q) = %q, want %q", c.status, c.novedad, got, c.want)
		}
	}
}

// TestPlaceNames: the registrar's capitals read with their accents, and an
// unknown name is left to the caller.
func TestPlaceNames(t *testing.T) {
	t.Parallel()
	for raw, want := range map[string]string{
		"BOGOTA. D.C.": "Bogotá D.C.", "MEDELLIN": "Medellín", "NORTE DE SANTANDER": "Norte de Santander",
		"CUCUTA": "Cúcuta", "ATLANTICO": "Atlántico", "VEREDA LA ESPERANZA": "",
	} {
		if got := census.PlaceName(raw); got != want {
			t.Errorf("PlaceName(%q) = %q, want %q", raw, got, want)
		}
	}
}

// TestLeaderWordsForEveryStatus: a leader reads a third-person sentence
// for every status, and a member is never told why a check failed.
func TestLeaderWordsForEveryStatus(t *testing.T) {
	t.Parallel()
	for _, s := range census.Statuses {
		if m := census.LeaderMeaning(s); m == "" || strings.Contains(m, "Tu cédula") {
			t.Errorf("status %s: leader reads %q", s, m)
		}
	}
	for _, s := range census.Failed {
		if m := census.Meaning(s); !strings.Contains(m, "Seguimos intentando automáticamente") || strings.Contains(m, "bloque") {
			t.Errorf("status %s: member reads %q", s, m)
		}
		if census.NextStep(s) == "" {
			t.Errorf("failed status %s has no next step for the leader", s)
		}
	}
}
