package routes

import (
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/padron/padron/census"
	"github.com/padron/padron/csvout"
	"github.com/padron/padron/exportlog"
)

// exportHeader is the CSV's first row, in the order of the columns.
var exportHeader = []string{
	"nombre", "cédula", "teléfono", "fecha de registro", "estado", "departamento",
	"municipio", "puesto", "dirección", "mesa", "novedad", "consultado el",
}

// colombia is Colombia's time (UTC-5, no daylight saving), fixed so the
// static binary needs no tzdata.
var colombia = time.FixedZone("COT", -5*60*60)

// exportFlushEvery rows the CSV is flushed to the client, so a large
// export streams instead of building up in memory.
const exportFlushEvery = 256

func bindReferidosExport(se *core.ServeEvent) {
	se.Router.GET("/api/referidos/export.csv", func(e *core.RequestEvent) error {
		who, err := requireLeader(e)
		if err != nil {
			return err
		}
		sep, err := parseSep(e)
		if err != nil {
			return err
		}
		return exportReferidos(e, who, sep, "")
	}).Bind(apis.BodyLimit(readBodyLimit))
}

// parseSep reads the CSV separator from the query (comma by default).
func parseSep(e *core.RequestEvent) (rune, error) {
	switch s := e.Request.URL.Query().Get("sep"); s {
	case "", ",", "comma":
		return ',', nil
	case ";", "semicolon":
		return ';', nil // Excel set to Spanish (Colombia) splits on semicolons
	}
	return 0, apiError(http.StatusBadRequest, "invalid_separator", `El separador debe ser "comma" o "semicolon".`, nil)
}

type exportRow struct {
	Name         string         `db:"name"`
	Cedula       string         `db:"cedula"`
	Phone        string         `db:"phone"`
	Created      types.DateTime `db:"created"`
	Status       string         `db:"status"`
	Departamento string         `db:"departamento"`
	Municipio    string         `db:"municipio"`
	Puesto       string         `db:"puesto"`
	Direccion    string         `db:"direccion"`
	Mesa         string         `db:"mesa"`
	Novedad      string         `db:"novedad"`
	FetchedAt    types.DateTime `db:"fetched_at"`
	// Chain is the referrers from the export's top down to the person's
	// own referrer, " > " between names (network exports only).
	Chain string `db:"chain"`
}

// exportReferidos streams who's referidos (as the collections' list rules
// show them; everyone for a superuser) as CSV row by row from one query;
// nothing is held in memory but a row. With under, only the people below
// that person, with a last column: the chain of referrers from under down.
func exportReferidos(e *core.RequestEvent, who caller, sep rune, under string) error {
	q, err := who.referidos(e.App)
	if err != nil {
		return e.InternalServerError("No pudimos exportar los referidos.", err)
	}
	// Every user has a cedula_info (created in the same transaction).
	cols := []string{
		"users.name", "users.cedula", "users.phone", "users.created", "cedula_info.status",
		"cedula_info.departamento", "cedula_info.municipio", "cedula_info.puesto",
		"cedula_info.direccion", "cedula_info.mesa", "cedula_info.novedad", "cedula_info.fetched_at",
	}
	header, filename := exportHeader, "referidos.csv"
	if under != "" {
		inSubtree(q, under, false)
		cols = append(cols, chainColumn)
		q.AndBind(dbx.Params{"chainTop": under})
		header, filename = append(slices.Clone(exportHeader), "cadena de referidores"), "red.csv"
	}
	rows, err := q.Select(cols...).OrderBy("users.created", "users.id").Rows()
	if err != nil {
		return e.InternalServerError("No pudimos exportar los referidos.", fmt.Errorf("query export: %w", err))
	}
	defer rows.Close()

	h := e.Response.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	h.Set("Cache-Control", "no-store")
	e.Response.WriteHeader(http.StatusOK)
	n := 0 // rows written, logged however the stream ends
	defer func() { logExport(e, filename, n) }()

	// From here the status is sent: a failure can only cut the stream short,
	// which the client sees as a truncated download; it is logged.
	w, err := csvout.NewWriter(e.Response, sep)
	if err != nil {
		return nil
	}
	if err := w.Write(header); err != nil {
		return nil
	}
	var r exportRow
	for rows.Next() {
		r = exportRow{}
		if err := rows.ScanStruct(&r); err != nil {
			e.App.Logger().Error("export referidos: scan", "error", err)
			break
		}
		rec := r.record()
		if under != "" {
			rec = append(rec, r.Chain)
		}
		if err := w.Write(rec); err != nil {
			return nil // the client went away
		}
		if n++; n%exportFlushEvery == 0 {
			w.Flush()
			if w.Error() != nil {
				return nil
			}
			_ = e.Flush()
		}
	}
	if err := rows.Err(); err != nil {
		e.App.Logger().Error("export referidos: rows", "error", err)
	}
	w.Flush()
	_ = e.Flush()
	return nil
}

// chainColumn is the names of the person's referrers below {:chainTop}
// (chainTop included), top first.
const chainColumn = "(SELECT group_concat(name, ' > ') FROM (SELECT a.name AS name FROM {{network}} up " +
	"JOIN {{users}} a ON a.id = up.ancestor WHERE up.descendant = [[users.id]] AND up.depth > 0 " +
	"AND up.depth <= (SELECT depth FROM {{network}} WHERE ancestor = {:chainTop} AND descendant = [[users.id]]) " +
	"ORDER BY up.depth DESC)) AS chain"

// logExport records the export in the data_exports log; a failure to log is
// the operator's to see, the download already went out.
func logExport(e *core.RequestEvent, what string, rows int) {
	if err := exportlog.Record(e.App, e.Auth, what, rows); err != nil {
		e.App.Logger().Error("export: log", "what", what, "error", err)
	}
}

func (r exportRow) record() []string {
	return []string{
		r.Name, r.Cedula, r.Phone, when(r.Created), census.LabelOf(r.Status, r.Novedad),
		r.Departamento, r.Municipio, r.Puesto, r.Direccion, r.Mesa,
		r.Novedad, when(r.FetchedAt),
	}
}

// when formats a stored date in Colombian time, empty when unset.
func when(d types.DateTime) string {
	if d.IsZero() {
		return ""
	}
	return d.Time().In(colombia).Format("2006-01-02 15:04")
}
