package routes

import (
	"fmt"
	"net/http"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/padron/padron/census"
	"github.com/padron/padron/csvout"
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
		sep := ','
		switch s := e.Request.URL.Query().Get("sep"); s {
		case "", ",", "comma":
		case ";", "semicolon":
			sep = ';' // Excel set to Spanish (Colombia) splits on semicolons
		default:
			return apiError(http.StatusBadRequest, "invalid_separator",
				`El separador debe ser "comma" o "semicolon".`, nil)
		}
		return exportReferidos(e, who, sep)
	}).Bind(apis.BodyLimit(readBodyLimit))
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
}

// exportReferidos streams who's referidos (as the collections' list rules
// show them; everyone for a superuser) as CSV row by row from one query;
// nothing is held in memory but a row.
func exportReferidos(e *core.RequestEvent, who caller, sep rune) error {
	q, err := who.referidos(e.App)
	if err != nil {
		return e.InternalServerError("No pudimos exportar los referidos.", err)
	}
	// Every user has a cedula_info (created in the same transaction).
	rows, err := q.Select(
		"users.name", "users.cedula", "users.phone", "users.created", "cedula_info.status",
		"cedula_info.departamento", "cedula_info.municipio", "cedula_info.puesto",
		"cedula_info.direccion", "cedula_info.mesa", "cedula_info.novedad", "cedula_info.fetched_at").
		OrderBy("users.created", "users.id").Rows()
	if err != nil {
		return e.InternalServerError("No pudimos exportar los referidos.", fmt.Errorf("query export: %w", err))
	}
	defer rows.Close()

	h := e.Response.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="referidos.csv"`)
	h.Set("Cache-Control", "no-store")
	e.Response.WriteHeader(http.StatusOK)

	// From here the status is sent: a failure can only cut the stream short,
	// which the client sees as a truncated download; it is logged.
	w, err := csvout.NewWriter(e.Response, sep)
	if err != nil {
		return nil
	}
	if err := w.Write(exportHeader); err != nil {
		return nil
	}
	n := 0
	var r exportRow
	for rows.Next() {
		r = exportRow{}
		if err := rows.ScanStruct(&r); err != nil {
			e.App.Logger().Error("export referidos: scan", "error", err)
			break
		}
		if err := w.Write(r.record()); err != nil {
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

func (r exportRow) record() []string {
	return []string{
		r.Name, r.Cedula, r.Phone, when(r.Created), census.Label(r.Status),
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
