package fakeregistrar

import (
	"strings"
	"testing"
	"time"
)

func TestFakeDefaultFixturesCoverEveryCase(t *testing.T) {
	t.Parallel()
	fs := DefaultFixtures()
	seen := map[Case]int{}
	deps := map[string]bool{}
	for _, f := range fs {
		seen[f.Case]++
		if f.Departamento != "" {
			deps[f.Departamento] = true
		}
	}
	for _, c := range Cases {
		if seen[c] == 0 {
			t.Errorf("no demo fixture for case %s", c)
		}
	}
	if len(deps) < 5 {
		t.Errorf("only %d departamentos in the demo table", len(deps))
	}
	again, err := LoadFixtures(strings.NewReader(string(DefaultFixturesJSON())))
	if err != nil || len(again) != len(fs) {
		t.Fatalf("LoadFixtures(embedded) = %d, %v", len(again), err)
	}
	for _, f := range fs {
		if f.Case == CaseSlow && f.Delay != 8*time.Second {
			t.Errorf("slow fixture delay = %v, want 8s from the JSON", f.Delay)
		}
	}
}

func TestFakeLoadFixturesRejects(t *testing.T) {
	t.Parallel()
	for name, in := range map[string]string{
		"not json":       `{`,
		"unknown case":   `[{"cedula":"1","case":"lost"}]`,
		"empty cedula":   `[{"cedula":"","case":"found"}]`,
		"dotted cedula":  `[{"cedula":"1.234","case":"found"}]`,
		"too long":       `[{"cedula":"123456789012","case":"found"}]`,
		"duplicate":      `[{"cedula":"1","case":"found"},{"cedula":"1","case":"not_found"}]`,
		"bad delay":      `[{"cedula":"1","case":"slow","delay":"soon"}]`,
		"negative delay": `[{"cedula":"1","case":"slow","delay":"-1s"}]`,
	} {
		if _, err := LoadFixtures(strings.NewReader(in)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestFakeFixtureDefaults(t *testing.T) {
	t.Parallel()
	f := Fixture{Cedula: "42", Case: CaseSlow}.complete()
	if f.Delay != DefaultSlowDelay || f.Departamento == "" || f.Mesa == "" {
		t.Errorf("slow defaults: %+v", f)
	}
	if g := (Fixture{Cedula: "42", Case: CaseFlaky}).complete(); g.FailTimes != 1 {
		t.Errorf("flaky FailTimes default = %d", g.FailTimes)
	}
	if d := (Fixture{Cedula: "42", Case: CaseCancelledDeceased}).complete(); d.Novedad != "Cancelada por Muerte" {
		t.Errorf("deceased default novedad = %q", d.Novedad)
	}
	for _, c := range Cases {
		if w := (Fixture{Case: c}).Want(); (w.Outcome == "") == (w.Class == "") {
			t.Errorf("Want(%s) = %+v: exactly one of Outcome/Class must be set", c, w)
		}
	}
}
