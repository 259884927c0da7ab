package routes

import (
	"bytes"
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"unicode"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/unicode/norm"

	"github.com/padron/padron/census"
	"github.com/padron/padron/schema"
	"github.com/padron/padron/tree"
)

// The /referidos list's "Toda la red" reads the subtree page by page, so
// its search, filters and sort are asked of the server (GET
// /api/red/nodes/{id}/subtree?q=&status=&able=&sort=) with the meanings the
// list gives them in the browser (leaders.js): a search matches a name
// without accents or case, or three or more digits of the cédula; a filter
// is a set of census statuses, or "can vote"; the sorts are the list's.

// subtreeQuery is a subtree page's search, filter and order.
type subtreeQuery struct {
	// text is the search as typed ("" for none).
	text string
	// statuses keeps only people whose census status is one of them.
	statuses []string
	// able keeps only people whose polling place is known (showsPlace).
	able bool
	// sort is one of subtreeSorts; desc reverses it.
	sort string
	desc bool
}

// subtreeSorts are the orders the list offers.
var subtreeSorts = []string{"created", "name", "cedula", "status", "place"}

// subtreeSearchMax bounds the search text.
const subtreeSearchMax = 120

// parseSubtreeQuery reads q, status (comma-separated), able and sort
// ("name", "-created", ...) from the request.
func parseSubtreeQuery(e *core.RequestEvent) (subtreeQuery, error) {
	v := e.Request.URL.Query()
	sq := subtreeQuery{text: strings.TrimSpace(v.Get("q"))}
	invalid := func(msg string) error { return apiError(http.StatusBadRequest, "invalid_query", msg, nil) }
	if len(sq.text) > subtreeSearchMax {
		return sq, invalid("La búsqueda es demasiado larga.")
	}
	if s := v.Get("status"); s != "" {
		for _, st := range strings.Split(s, ",") {
			if !slices.Contains(census.Statuses, st) {
				return sq, invalid("Ese estado del censo no existe.")
			}
			sq.statuses = append(sq.statuses, st)
		}
	}
	switch v.Get("able") {
	case "", "false":
	case "true":
		sq.able = true
	default:
		return sq, invalid("«able» es true o false.")
	}
	sq.sort, sq.desc = "created", true
	if s := v.Get("sort"); s != "" {
		key, desc := strings.CutPrefix(s, "-")
		if !slices.Contains(subtreeSorts, key) {
			return sq, invalid("No se puede ordenar por ese campo.")
		}
		sq.sort, sq.desc = key, desc
	}
	return sq, nil
}

// newestFirst reports whether sq is the plain page (no search or filter,
// newest first), which subtreePage answers without reading the census.
func (sq subtreeQuery) newestFirst() bool {
	return sq.text == "" && len(sq.statuses) == 0 && !sq.able && sq.sort == "created" && sq.desc
}

// foldedName is the name of the user whose id is the SQL expression id in
// lower case without Spanish accents, as the list's search reads it:
// stored by triggers (schema.FoldedNamesTable), so a search compares
// stored text; folded here for a row the table misses (coalesce evaluates
// it only then).
func foldedName(id string) string {
	return "coalesce((SELECT folded FROM " + schema.FoldedNamesTable + " WHERE user = " + id + "), " +
		"(SELECT " + schema.FoldNameSQL("unfolded.name") + " FROM " + schema.UsersCollection + " unfolded WHERE unfolded.id = " + id + "))"
}

// foldText is text as foldedName compares it: no combining marks, lower case.
func foldText(text string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(text) {
		if !unicode.Is(unicode.Mn, r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// likeEscape makes s a literal inside a LIKE pattern with ESCAPE '\'.
var likeEscape = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace

// narrow adds sq's search and filters to q, a query over users joined with
// cedula_info under their own names; id is the users id's column the
// search's name looks up (the closure table's descendant lets SQLite skip
// the users row of a name that does not match).
func (sq subtreeQuery) narrow(q *dbx.SelectQuery, id string) {
	if sq.text != "" {
		name := dbx.NewExp(foldedName(id)+" LIKE {:qname} ESCAPE '\\'", dbx.Params{"qname": "%" + likeEscape(foldText(sq.text)) + "%"})
		digits := strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, sq.text)
		if len(digits) >= 3 {
			q.AndWhere(dbx.Or(name, dbx.NewExp("[[users.cedula]] LIKE {:qdigits}", dbx.Params{"qdigits": "%" + digits + "%"})))
		} else {
			q.AndWhere(name)
		}
	}
	if len(sq.statuses) > 0 {
		q.AndWhere(dbx.In("cedula_info.status", anys(sq.statuses)...))
	}
	if sq.able {
		// census.js showsPlace: active, or a re-check of an answer that had a place.
		q.AndWhere(dbx.Or(
			dbx.HashExp{"cedula_info.status": census.StatusActive},
			dbx.And(dbx.In("cedula_info.status", anys(census.InFlight)...),
				dbx.NewExp("[[cedula_info.fetched_at]] != '' AND ([[cedula_info.puesto]] != '' OR [[cedula_info.mesa]] != '')")),
		))
	}
}

// order is sq's ORDER BY terms, ending in users.id so pages never overlap
// (the orders by name and by status are sortedByName's).
func (sq subtreeQuery) order() []string {
	var terms []string
	switch sq.sort {
	case "cedula":
		terms = []string{"length([[users.cedula]])", "[[users.cedula]]"}
	case "place":
		terms = []string{"[[cedula_info.municipio]]", "[[cedula_info.puesto]]", "length([[cedula_info.mesa]])", "[[cedula_info.mesa]]"}
	default:
		terms = []string{"[[users.created]]"}
	}
	terms = append(terms, "[[users.id]]")
	if sq.desc {
		for i := range terms {
			terms[i] += " DESC"
		}
	}
	return terms
}

// urgencySQL orders statuses as the list's "Urgencia" does: an answer that
// needs the leader, then a failed check, then a check on its way, then the
// rest.
var urgencySQL = func() string {
	in := func(list []string) string {
		quoted := make([]string, len(list))
		for i, s := range list {
			quoted[i] = "'" + s + "'"
		}
		return strings.Join(quoted, ", ")
	}
	var needs []string
	for _, s := range census.Answers {
		if s != census.StatusActive {
			needs = append(needs, s)
		}
	}
	return "CASE WHEN [[cedula_info.status]] IN (" + in(needs) + ") THEN 0 WHEN [[cedula_info.status]] IN (" + in(census.Failed) +
		") THEN 1 WHEN [[cedula_info.status]] IN (" + in(census.InFlight) + ") OR [[cedula_info.status]] = '' THEN 2 ELSE 3 END"
}()

func anys(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// queriedSubtreePage is subtreePage narrowed and ordered by sq: the people
// below top joined with their census records, under the shipped rules
// (countersAnswer) without evaluating them, else with both list rules built
// in (who.referidos), as the subtree's stats read them.
func queriedSubtreePage(app core.App, who caller, top string, sq subtreeQuery, offset, perPage int) ([]string, int, error) {
	counted, err := countersAnswer(app, who)
	if err != nil {
		return nil, 0, err
	}
	base := func() (*dbx.SelectQuery, error) {
		var q *dbx.SelectQuery
		if counted {
			// Driven from the closure table (CROSS JOIN fixes the loop
			// order): the subtree's rows, not the whole census, are read.
			q = app.DB().Select().From(schema.NetworkCollection+" n").
				Join("CROSS JOIN", schema.UsersCollection, dbx.NewExp("[["+schema.UsersCollection+".id]] = [[n.descendant]]")).
				Join("CROSS JOIN", schema.CedulaInfoCollection, dbx.NewExp("[["+schema.CedulaInfoCollection+".user]] = [["+schema.UsersCollection+".id]]")).
				Where(dbx.NewExp("[[n.ancestor]] = {:top} AND [[n.depth]] > 0", dbx.Params{"top": top}))
			sq.narrow(q, "[[n.descendant]]")
		} else {
			if q, err = who.referidos(app); err != nil {
				return nil, err
			}
			inSubtree(q, top, false)
			sq.narrow(q, "[[users.id]]")
		}
		return q, nil
	}
	q, err := base()
	if err != nil {
		return nil, 0, err
	}
	// Only the order differs from the plain page: the counters know how
	// many. Else the matches are read once, in order, and counted here: a
	// count first and the page after read a search's subtree twice.
	countersTotal := counted && sq.text == "" && len(sq.statuses) == 0 && !sq.able
	if sq.sort == "name" || sq.sort == "status" {
		ids, matched, err := sortedByName(q, sq, offset, perPage)
		if err != nil {
			return nil, 0, fmt.Errorf("subtree page of %s: %w", top, err)
		}
		if countersTotal {
			matched, err = tree.CountBelow(app, top)
		}
		return ids, matched, err
	}
	q.Select("users.id").OrderBy(sq.order()...)
	if countersTotal {
		total, err := tree.CountBelow(app, top)
		if err != nil {
			return nil, 0, err
		}
		var ids []string
		if err := q.Offset(int64(offset)).Limit(int64(perPage)).Column(&ids); err != nil {
			return nil, 0, fmt.Errorf("subtree page of %s: %w", top, err)
		}
		return ids, total, nil
	}
	var all []string // DISTINCT when a rule's join may repeat a person
	if err := q.Column(&all); err != nil {
		return nil, 0, fmt.Errorf("subtree page of %s: %w", top, err)
	}
	return all[min(offset, len(all)):min(offset+perPage, len(all))], len(all), nil
}

// nameRow is a person as sortedByName orders them.
type nameRow struct {
	ID      string `db:"id"`
	Name    string `db:"name"`
	Urgency int    `db:"urgency"`
	key     []byte // Name's Spanish sort key (nameCollator)
}

// nameCollator orders names as the list's Intl.Collator("es", {numeric:
// true}) does with the names lowered: accents count only between names
// that are otherwise equal (Óscar between Natalia and Pablo), Ñ is a letter
// of its own after N (Núñez < Nuño < Ñañez < Ortiz), and digits compare as
// numbers (Ana 9 before Ana 10). A Collator is not safe for concurrent use:
// one per request.
func nameCollator() *collate.Collator {
	return collate.New(language.Spanish, collate.Numeric)
}

// sortedByName is the page of q in sq's order by name (status: by urgency,
// then name) and how many q holds, sorted here: SQLite folding every name in the subtree for
// its ORDER BY (foldedName) cost 5 to 10 times reading the names and
// folding them in Go, and SQLite has no Spanish order (ñ after n).
func sortedByName(q *dbx.SelectQuery, sq subtreeQuery, offset, perPage int) ([]string, int, error) {
	var rows []nameRow
	urgency := "abs(0)" // an expression: dbx would quote a bare 0 as a column
	if sq.sort == "status" {
		urgency = urgencySQL
	}
	if err := q.Select("users.id AS id", "users.name AS name", urgency+" AS urgency").All(&rows); err != nil {
		return nil, 0, err
	}
	coll, buf := nameCollator(), &collate.Buffer{}
	for i := range rows {
		// The keys point into buf, which only grows until the sort is done.
		rows[i].key = coll.KeyFromString(buf, strings.ToLower(rows[i].Name))
	}
	slices.SortFunc(rows, func(a, b nameRow) int {
		c := cmp.Or(cmp.Compare(a.Urgency, b.Urgency), bytes.Compare(a.key, b.key), strings.Compare(a.ID, b.ID))
		if sq.desc {
			return -c
		}
		return c
	})
	ids := []string{}
	for _, r := range rows[min(offset, len(rows)):min(offset+perPage, len(rows))] {
		ids = append(ids, r.ID)
	}
	return ids, len(rows), nil
}
