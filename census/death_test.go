package census_test

import (
	"testing"

	"github.com/padron/padron/census"
)

// TestIsDeathNovedad moved here from scraper's parser tests with the rule,
// and gained the words the previous system used.
func TestIsDeathNovedad(t *testing.T) {
	t.Parallel()
	for novedad, want := range map[string]bool{
		"Cancelada por Muerte":                 true,
		"CANCELADA POR MUERTE FACULTAD LEY":    true,
		"  cancelada   por  muérte ":           true,
		"Cancelada\u00a0por Muerte":            true,
		"FALLECIDO":                            true,
		"fallecido":                            true,
		"Fallecida":                            true,
		"DEFUNCIÓN":                            true,
		"DEFUNCION":                            true,
		"Cancelada por defunción":              true,
		"Cancelada por Doble Cedulación":       false,
		"Cancelada por Suplantación":           false,
		"Vigente con Interdicción Judicial":    false,
		"Pendiente Solicitud en Reproceso":     false,
		"Cancelada por Menoría de Edad":        false,
		"Cancelada por Extranjería":            false,
		"Cancelada por Falsa Identidad":        false,
		"Cancelada con reasignación de cupo":   false,
		"Baja por Perdida o Suspension de los": false,
		"Cancelada por Mutación":               false,
		"":                                     false,
	} {
		if got := census.IsDeathNovedad(novedad); got != want {
			t.Errorf("IsDeathNovedad(%q) = %v, want %v", novedad, got, want)
		}
	}
}
