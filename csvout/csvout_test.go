package csvout_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/padron/padron/csvout"
)

func TestCellNeutralisesFormulas(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"=1+1": "'=1+1", "+57 300": "'+57 300", "-2": "'-2", "@SUM(A1)": "'@SUM(A1)",
		"\t=x": "'\t=x", "\r=x": "'\r=x", "María": "María", "": "", "1=1": "1=1", "'=x": "'=x",
	} {
		if got := csvout.Cell(in); got != want {
			t.Errorf("Cell(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWriterBOMSeparatorAndCells(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	w, err := csvout.NewWriter(&b, ';')
	if err != nil {
		t.Fatal(err)
	}
	_ = w.Write([]string{"nombre", "=HYPERLINK(\"x\")"})
	w.Flush()
	out := b.String()
	if !strings.HasPrefix(out, csvout.BOM) || !strings.HasSuffix(out, "\r\n") {
		t.Fatalf("no BOM or CRLF: %q", out)
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, csvout.BOM)))
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil || len(rows) != 1 || rows[0][1] != `'=HYPERLINK("x")` {
		t.Fatalf("rows %q, %v", rows, err)
	}
}
