// Package csvout writes every CSV the project serves the one way: UTF-8
// with a BOM (so Excel reads accents), CRLF rows, and cells that a
// spreadsheet would run as formulas neutralised.
package csvout

import (
	"encoding/csv"
	"io"
	"strings"
)

// BOM makes Excel read the file as UTF-8 (accents, ñ).
const BOM = "\uFEFF"

// Cell neutralises spreadsheet formulas: text from the registrar or a user
// starting with = + - @ (or a tab or carriage return, which Excel skips
// before reading one) is prefixed with an apostrophe, which spreadsheets
// show as text.
func Cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// Writer is a csv.Writer whose Write neutralises every cell.
type Writer struct {
	*csv.Writer
}

// NewWriter writes the BOM to w and returns a Writer that separates cells
// with sep and ends rows with CRLF, as Excel writes and expects.
func NewWriter(w io.Writer, sep rune) (*Writer, error) {
	if _, err := io.WriteString(w, BOM); err != nil {
		return nil, err
	}
	cw := csv.NewWriter(w)
	cw.Comma = sep
	cw.UseCRLF = true
	return &Writer{cw}, nil
}

// Write writes one row, each cell through Cell.
func (w *Writer) Write(row []string) error {
	safe := make([]string, len(row))
	for i, s := range row {
		safe[i] = Cell(s)
	}
	return w.Writer.Write(safe)
}
