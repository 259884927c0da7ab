package fakeregistrar

import (
	"net/http"
	"testing"
	"time"

	"github.com/padron/padron/census"
	"github.com/padron/padron/registrar"
)

// TestFakeRoundTrip feeds every answer of the demo table, on both sites, to
// the real parser: the fake and the parser must agree on every case.
func TestFakeRoundTrip(t *testing.T) {
	t.Parallel()
	fixtures := DefaultFixtures()
	for i := range fixtures {
		if fixtures[i].Case == CaseSlow {
			fixtures[i].Delay = 50 * time.Millisecond // keep the suite fast
		}
	}
	for _, style := range []BlockStyle{BlockF5, BlockSpanish} {
		for _, source := range []string{SourceWSP, SourceElecciones} {
			run := setup(t, Config{Fixtures: fixtures, BlockStyle: style})
			for _, f := range fixtures {
				t.Run(string(style)+"/"+source+"/"+string(f.Case)+"/"+f.Cedula, func(t *testing.T) {
					t.Parallel()
					checkRoundTrip(t, run, source, run.Fixture(f.Cedula))
				})
			}
		}
	}
}

func checkRoundTrip(t *testing.T, run *Running, source string, f Fixture) {
	c := newClient(t, desktopUA)
	attempts := 1
	if f.Case == CaseFlaky {
		attempts += f.FailTimes
	}
	var (
		res    census.Result
		err    error
		status int
	)
	for i := range attempts {
		start := time.Now()
		var body []byte
		status, body = c.lookup(run, source, f.Cedula)
		if f.Case == CaseSlow && time.Since(start) < f.Delay {
			t.Errorf("slow answer came before its delay")
		}
		res, err = registrar.Parse(census.Source(source), f.Cedula, status, body)
		if i < attempts-1 && census.ClassOf(err) != census.ErrTransient {
			t.Fatalf("flaky attempt %d: %v, want transient", i+1, err)
		}
		// A stored raw body (status unknown) must classify the same way,
		// except for HTML error pages that only the status explains.
		if f.Case != CaseReload || source == SourceWSP {
			res0, err0 := registrar.Parse(census.Source(source), f.Cedula, 0, body)
			if census.ClassOf(err0) != census.ClassOf(err) || res0.Outcome != res.Outcome {
				t.Errorf("status 0 re-parse: %v/%v, with status: %v/%v", res0.Outcome, err0, res.Outcome, err)
			}
		}
	}
	want := f.Want()
	if want.Class != "" {
		if cl := census.ClassOf(err); cl == nil || cl.Error() != want.Class {
			t.Fatalf("HTTP %d: err %v, want class %s", status, err, want.Class)
		}
		if census.EvidenceOf(err) == nil {
			t.Error("no evidence kept")
		}
		return
	}
	if err != nil {
		t.Fatalf("HTTP %d: %v", status, err)
	}
	if string(res.Outcome) != want.Outcome || res.Cedula != f.Cedula || string(res.Source) != source {
		t.Fatalf("got %+v, want outcome %s", res, want.Outcome)
	}
	wantRes := census.Result{Cedula: f.Cedula, Outcome: res.Outcome}
	switch res.Outcome {
	case census.OutcomeFound:
		wantRes.Departamento, wantRes.Municipio, wantRes.Puesto, wantRes.Direccion, wantRes.Mesa =
			f.Departamento, f.Municipio, f.Puesto, f.Direccion, f.Mesa
	case census.OutcomeCancelledDeceased, census.OutcomeCancelledOther:
		wantRes.Novedad, wantRes.Resolucion, wantRes.FechaNovedad = f.Novedad, f.Resolucion, f.FechaNovedad
	}
	res.Source, res.Raw = "", ""
	if res != wantRes {
		t.Errorf("got  %+v\nwant %+v", res, wantRes)
	}
	recs := run.Lookups()
	seen := false
	for _, r := range recs {
		seen = seen || (r.Cedula == f.Cedula && r.Source == source && r.Status == status)
	}
	if !seen {
		t.Errorf("lookup not recorded")
	}
	_ = http.StatusOK
}
