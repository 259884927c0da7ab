package registrar

import (
	"strings"

	"golang.org/x/net/html"
)

// walk visits n and its descendants depth-first; fn returns false to skip a
// node's children.
func walk(n *html.Node, fn func(*html.Node) bool) {
	if !fn(n) {
		return
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, fn)
	}
}

// attr returns the value of n's attribute key (case-insensitive), or "".
func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if strings.EqualFold(a.Key, key) {
			return a.Val
		}
	}
	return ""
}

// hasClass reports whether n's class list contains class.
func hasClass(n *html.Node, class string) bool {
	for _, c := range strings.Fields(attr(n, "class")) {
		if strings.EqualFold(c, class) {
			return true
		}
	}
	return false
}

// textOf returns the visible text under n with whitespace squashed, so
// "<b>12</b>" inside a cell reads "12".
func textOf(n *html.Node) string {
	var b strings.Builder
	walk(n, func(c *html.Node) bool {
		switch c.Type {
		case html.TextNode:
			b.WriteString(c.Data)
			b.WriteByte(' ')
		case html.ElementNode:
			if c.Data == "script" || c.Data == "style" {
				return false
			}
		}
		return true
	})
	return squash(b.String())
}

// htmlTable is a table read as labelled cells: each row maps a field name
// (see fieldOf) to the cell's text.
type htmlTable struct {
	fields map[string]bool // fields named by headers or data-th labels
	rows   []map[string]string
}

// readTables returns every table under doc, outermost first; cells of nested
// tables are not mixed into their parent's rows.
func readTables(doc *html.Node) []htmlTable {
	var tables []htmlTable
	walk(doc, func(n *html.Node) bool {
		if n.Type == html.ElementNode && n.Data == "table" {
			tables = append(tables, readTable(n))
		}
		return true
	})
	return tables
}

func readTable(t *html.Node) htmlTable {
	tab := htmlTable{fields: map[string]bool{}}
	var headers []string
	walk(t, func(n *html.Node) bool {
		if n != t && n.Type == html.ElementNode && n.Data == "table" {
			return false // nested table: read on its own
		}
		if n.Type != html.ElementNode || n.Data != "tr" {
			return true
		}
		var cells []*html.Node
		allTH := true
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode && (c.Data == "td" || c.Data == "th") {
				cells = append(cells, c)
				if c.Data == "td" {
					allTH = false
				}
			}
		}
		if len(cells) == 0 {
			return false
		}
		if allTH || (n.Parent != nil && n.Parent.Data == "thead") {
			headers = headers[:0]
			for _, c := range cells {
				f := fieldOf(textOf(c))
				headers = append(headers, f)
				if f != "" {
					tab.fields[f] = true
				}
			}
			return false
		}
		row := map[string]string{}
		for i, c := range cells {
			f := fieldOf(attr(c, "data-th"))
			if f == "" && i < len(headers) {
				f = headers[i]
			}
			if f == "" {
				continue
			}
			tab.fields[f] = true
			if _, dup := row[f]; !dup {
				row[f] = textOf(c)
			}
		}
		tab.rows = append(tab.rows, row)
		return false
	})
	return tab
}

// Field names a table cell can carry.
const (
	fieldNUIP         = "nuip"
	fieldDepartamento = "departamento"
	fieldMunicipio    = "municipio"
	fieldPuesto       = "puesto"
	fieldDireccion    = "direccion"
	fieldMesa         = "mesa"
	fieldZona         = "zona"
	fieldNovedad      = "novedad"
	fieldResolucion   = "resolucion"
	fieldFecha        = "fecha_novedad"
)

// fieldOf maps a column label, however it is cased or accented, to a field
// name, or "" for a label we do not know.
func fieldOf(label string) string {
	l := fold(label)
	switch {
	case l == "":
		return ""
	case strings.Contains(l, "fecha"):
		return fieldFecha
	case strings.Contains(l, "resolucion"):
		return fieldResolucion
	case strings.Contains(l, "novedad"):
		return fieldNovedad
	case strings.Contains(l, "nuip"), strings.Contains(l, "cedula"), strings.Contains(l, "documento"):
		return fieldNUIP
	case strings.Contains(l, "departamento"):
		return fieldDepartamento
	case strings.Contains(l, "municipio"):
		return fieldMunicipio
	case strings.Contains(l, "puesto"):
		return fieldPuesto
	case strings.Contains(l, "direccion"):
		return fieldDireccion
	case strings.Contains(l, "mesa"):
		return fieldMesa
	case strings.Contains(l, "zona"):
		return fieldZona
	}
	return ""
}
