package routes

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/xuri/excelize/v2"

	"github.com/padron/padron/census"
	"github.com/padron/padron/csvout"
	"github.com/padron/padron/schema"
)

// Election day's lists: the caller's people (the users and cedula_info list
// rules decide who, as for the referidos endpoints) grouped municipio →
// puesto → mesa, as JSON for the dashboard, CSV and an .xlsx with one sheet
// per municipio.

// diadHeader is the lists' columns after departamento and municipio (the
// xlsx's sheet says the municipio).
var diadHeader = []string{"puesto", "dirección", "mesa", "nombre", "cédula", "teléfono", "líder directo", "estado"}

// diadPerson is one of the caller's people on election day.
type diadPerson struct {
	ID           string `db:"id" json:"id"`
	Name         string `db:"name" json:"name"`
	Cedula       string `db:"cedula" json:"cedula"`
	Phone        string `db:"phone" json:"phone"`
	ReferredBy   string `db:"referred_by" json:"leader_id"`
	Leader       string `db:"leader_name" json:"leader_name"`
	Status       string `db:"status" json:"status"`
	Departamento string `db:"departamento" json:"departamento"`
	Municipio    string `db:"municipio" json:"municipio"`
	Puesto       string `db:"puesto" json:"puesto"`
	Direccion    string `db:"direccion" json:"direccion"`
	Mesa         string `db:"mesa" json:"mesa"`
	Novedad      string `db:"novedad" json:"novedad"`
	// ContactConsent is the person's messaging authorisation in force:
	// without it the dashboard offers a call, never a WhatsApp message.
	ContactConsent bool `db:"contact_consent" json:"contact_consent"`
	// Branch is the caller's direct referido whose subtree holds the person.
	Branch     string `db:"-" json:"branch_id"`
	BranchName string `db:"-" json:"branch_name"`
}

func bindDiaDLists(se *core.ServeEvent) {
	se.Router.GET("/api/dia-d/people", func(e *core.RequestEvent) error {
		people, err := diadPeopleFor(e)
		if err != nil {
			return err
		}
		return e.JSON(http.StatusOK, map[string]any{"people": people})
	}).Bind(apis.BodyLimit(readBodyLimit))
	se.Router.GET("/api/dia-d/lists.csv", func(e *core.RequestEvent) error {
		sep := ','
		switch s := e.Request.URL.Query().Get("sep"); s {
		case "", ",", "comma":
		case ";", "semicolon":
			sep = ';'
		default:
			return apiError(http.StatusBadRequest, "invalid_separator",
				`El separador debe ser "comma" o "semicolon".`, nil)
		}
		people, err := diadPeopleFor(e)
		if err != nil {
			return err
		}
		defer logExport(e, "listas-dia-d.csv", len(people))
		return writeDiaDCSV(e, people, sep)
	}).Bind(apis.BodyLimit(readBodyLimit))
	se.Router.GET("/api/dia-d/lists.xlsx", func(e *core.RequestEvent) error {
		people, err := diadPeopleFor(e)
		if err != nil {
			return err
		}
		f, err := diadWorkbook(people)
		if err != nil {
			return e.InternalServerError("No pudimos preparar el archivo de Excel.", err)
		}
		defer f.Close()
		defer logExport(e, "listas-dia-d.xlsx", len(people))
		h := e.Response.Header()
		h.Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		h.Set("Content-Disposition", `attachment; filename="listas-dia-d.xlsx"`)
		h.Set("Cache-Control", "no-store")
		e.Response.WriteHeader(http.StatusOK)
		_ = f.Write(e.Response) // the status is sent: a failure only cuts the download short
		return nil
	}).Bind(apis.BodyLimit(readBodyLimit))
}

// diadPeopleFor is the request's caller's people, sorted for the lists.
func diadPeopleFor(e *core.RequestEvent) ([]diadPerson, error) {
	who, err := requireLeader(e)
	if err != nil {
		return nil, err
	}
	people, err := diadPeople(e.App, who)
	if err != nil {
		return nil, e.InternalServerError("No pudimos preparar las listas.", err)
	}
	return people, nil
}

// diadPeople reads who's people with their direct leader, sorted by
// municipio, puesto, mesa (as numbers) and name, each with their branch.
func diadPeople(app core.App, who caller) ([]diadPerson, error) {
	q, err := who.referidos(app)
	if err != nil {
		return nil, err
	}
	q.LeftJoin(schema.UsersCollection+" diad_leader", dbx.NewExp("[[diad_leader.id]] = [[users.referred_by]]")).
		Select("users.id", "users.name", "users.cedula", "users.phone", "users.referred_by", "users.contact_consent",
			"COALESCE([[diad_leader.name]], '') AS leader_name", "cedula_info.status",
			"cedula_info.departamento", "cedula_info.municipio", "cedula_info.puesto",
			"cedula_info.direccion", "cedula_info.mesa", "cedula_info.novedad")
	var people []diadPerson
	if err := q.All(&people); err != nil {
		return nil, fmt.Errorf("dia-d people: %w", err)
	}
	byID := make(map[string]*diadPerson, len(people))
	for i := range people {
		byID[people[i].ID] = &people[i]
	}
	for i := range people {
		top := &people[i]
		for hops := 0; hops < len(people); hops++ {
			up, ok := byID[top.ReferredBy]
			if !ok {
				break
			}
			top = up
		}
		people[i].Branch, people[i].BranchName = top.ID, top.Name
	}
	slices.SortFunc(people, func(a, b diadPerson) int {
		return cmp.Or(
			cmp.Compare(a.Departamento, b.Departamento), cmp.Compare(a.Municipio, b.Municipio),
			cmp.Compare(a.Puesto, b.Puesto), compareMesa(a.Mesa, b.Mesa),
			cmp.Compare(strings.ToUpper(a.Name), strings.ToUpper(b.Name)), cmp.Compare(a.ID, b.ID))
	})
	return people, nil
}

// compareMesa orders mesas as numbers ("2" before "10"), others after.
func compareMesa(a, b string) int {
	x, errA := strconv.Atoi(a)
	y, errB := strconv.Atoi(b)
	switch {
	case errA == nil && errB == nil:
		return cmp.Compare(x, y)
	case errA == nil:
		return -1
	case errB == nil:
		return 1
	}
	return cmp.Compare(a, b)
}

// row is p's cells in diadHeader's order.
func (p diadPerson) row() []string {
	return []string{p.Puesto, p.Direccion, p.Mesa, p.Name, p.Cedula, p.Phone, p.Leader, census.LabelOf(p.Status, p.Novedad)}
}

func writeDiaDCSV(e *core.RequestEvent, people []diadPerson, sep rune) error {
	h := e.Response.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="listas-dia-d.csv"`)
	h.Set("Cache-Control", "no-store")
	e.Response.WriteHeader(http.StatusOK)
	w, err := csvout.NewWriter(e.Response, sep)
	if err != nil {
		return nil
	}
	if err := w.Write(append([]string{"departamento", "municipio"}, diadHeader...)); err != nil {
		return nil
	}
	for _, p := range people {
		if err := w.Write(append([]string{p.Departamento, p.Municipio}, p.row()...)); err != nil {
			return nil // the client went away
		}
	}
	w.Flush()
	return nil
}

// noPlace names the sheet of people whose census check has no answer yet.
const noPlace = "Sin lugar de votación"

// diadWorkbook builds the election-day lists as an .xlsx: one sheet per
// municipio (in the people's order; one empty sheet when there is nobody),
// a header row and one row per person, every cell text (cédulas keep their
// digits; nothing is ever a formula). Rows are streamed to the file.
func diadWorkbook(people []diadPerson) (*excelize.File, error) {
	var groups [][]diadPerson
	for start := 0; start < len(people); {
		end := start + 1
		for end < len(people) && people[end].Departamento == people[start].Departamento &&
			people[end].Municipio == people[start].Municipio {
			end++
		}
		groups = append(groups, people[start:end])
		start = end
	}
	if len(groups) == 0 {
		groups = [][]diadPerson{nil}
	}
	f := excelize.NewFile()
	used := map[string]bool{}
	for i, group := range groups {
		title := noPlace
		if len(group) > 0 && group[0].Municipio != "" {
			title = group[0].Municipio
		}
		name := sheetName(title, used)
		var err error
		if i == 0 {
			err = f.SetSheetName(f.GetSheetName(0), name)
		} else {
			_, err = f.NewSheet(name)
		}
		if err != nil {
			return nil, fmt.Errorf("sheet %q: %w", name, err)
		}
		if err := writeSheet(f, name, group); err != nil {
			return nil, fmt.Errorf("sheet %q: %w", name, err)
		}
	}
	return f, nil
}

// writeSheet streams the header and group's rows into sheet.
func writeSheet(f *excelize.File, sheet string, group []diadPerson) error {
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	for col, width := range []float64{30, 28, 8, 30, 14, 14, 28, 16} {
		if err := sw.SetColWidth(col+1, col+1, width); err != nil {
			return err
		}
	}
	if err := sw.SetRow("A1", cells(diadHeader)); err != nil {
		return err
	}
	for i, p := range group {
		if err := sw.SetRow("A"+strconv.Itoa(i+2), cells(p.row())); err != nil {
			return err
		}
	}
	return sw.Flush()
}

func cells(row []string) []any {
	out := make([]any, len(row))
	for i, s := range row {
		out[i] = excelize.Cell{Value: s}
	}
	return out
}

// sheetName is title as a valid, unused sheet name: at most 31 characters,
// none of []:*?/\.
func sheetName(title string, used map[string]bool) string {
	clean := strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return ' '
		}
		return r
	}, strings.TrimSpace(title))
	if clean == "" {
		clean = noPlace
	}
	base := []rune(clean)
	if len(base) > 31 {
		base = base[:31]
	}
	name := string(base)
	for n := 2; used[strings.ToUpper(name)]; n++ {
		suffix := " " + strconv.Itoa(n)
		b := base
		if len(b)+len(suffix) > 31 {
			b = b[:31-len(suffix)]
		}
		name = string(b) + suffix
	}
	used[strings.ToUpper(name)] = true
	return name
}
