package registrar

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/padron/padron/census"
)

// seedCorpus adds every testdata file under a few statuses.
func seedCorpus(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.*"))
	if err != nil {
		f.Fatal(err)
	}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		for _, st := range []int{0, 200, 403, 404, 500} {
			f.Add("1020304050", st, b)
		}
	}
}

// checkFuzz asserts the parser's invariants: an error is always classified,
// a success always has an outcome and keeps the body.
func checkFuzz(t *testing.T, r census.Result, err error, body []byte) {
	if err != nil {
		if census.ClassOf(err) == nil {
			t.Fatalf("unclassified error: %v", err)
		}
		if census.EvidenceOf(err) == nil || census.EvidenceOf(err).Response != string(body) {
			t.Fatalf("error without the body as evidence: %v", err)
		}
		return
	}
	switch r.Outcome {
	case census.OutcomeFound, census.OutcomeNotFound, census.OutcomeCancelledDeceased, census.OutcomeCancelledOther:
	default:
		t.Fatalf("success with outcome %q", r.Outcome)
	}
	if r.Raw != string(body) {
		t.Fatal("Raw is not the body")
	}
}

func FuzzParseWSP(f *testing.F) {
	seedCorpus(f)
	f.Fuzz(func(t *testing.T, cedula string, status int, body []byte) {
		r, err := ParseWSP(cedula, status, body)
		checkFuzz(t, r, err, body)
		if err == nil && r.Source != census.SourceWSP {
			t.Fatalf("source %q", r.Source)
		}
	})
}

func FuzzParseElecciones(f *testing.F) {
	seedCorpus(f)
	f.Fuzz(func(t *testing.T, cedula string, status int, body []byte) {
		r, err := ParseElecciones(cedula, status, body)
		checkFuzz(t, r, err, body)
		if err == nil && r.Source != census.SourceElecciones {
			t.Fatalf("source %q", r.Source)
		}
	})
}
