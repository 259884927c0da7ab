package tree

import (
	"fmt"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// shiftBranch adds (sign 1) or takes away (sign -1) the branch of userID —
// the person and everyone below them, as their own counters hold them —
// to or from the counters of every ancestor the closure table gives
// userID now. Insert calls it once the closure says where the person is
// (1), Remove before they leave (-1); a branch's own counters never
// change when it moves, so a move costs rows per level and place of the
// branch, not per person.
func shiftBranch(app core.App, userID string, sign int) error {
	return shiftBranchAt(app, dbx.Params{"id": userID}, sign,
		"SELECT ancestor, depth FROM network WHERE descendant = {:id} AND depth > 0", allCounters)
}

// counterTables chooses which counter tables shiftBranchAt changes.
type counterTables int

const (
	levelCounters counterTables = 1 << iota // CountsTable: per level below
	placeCounters                           // PlacesTable and DaysTable: per place and day
	allCounters   = levelCounters | placeCounters
)

// shiftBranchAt is shiftBranch for the ancestors anc selects (a query of
// (ancestor, depth): the ancestor and how far above the branch's head
// {:id} it sits), in the tables which says. Move uses it to touch only
// what a move changes: the places and days of the ancestors the branch
// leaves or reaches (those it keeps count it all the same), and the
// levels of those it keeps only when the branch changes level.
func shiftBranchAt(app core.App, p dbx.Params, sign int, anc string, which counterTables) error {
	userID, _ := p["id"].(string)
	s := "1"
	if sign < 0 {
		s = "-1"
	}
	from := "(" + anc + ") a"
	b := bucketSQL("ci.status")
	cols := append(append([]string{"total"}, censusColumns[:]...), "leaders")
	sel := make([]string, len(cols))
	set := make([]string, len(cols))
	for i, c := range cols {
		sel[i] = s + " * b." + c
		set[i] = c + " = " + c + " + excluded." + c
	}
	var stmts []string
	if which&levelCounters != 0 {
		stmts = append(stmts, "INSERT INTO "+CountsTable+" (node, depth, "+strings.Join(cols, ", ")+")"+
			" SELECT a.ancestor, a.depth + b.depth, "+strings.Join(sel, ", ")+" FROM "+from+","+
			" (SELECT depth, "+strings.Join(cols, ", ")+" FROM "+CountsTable+" WHERE node = {:id}"+
			" UNION ALL SELECT 0, 1, "+strings.Join(b[:], ", ")+", "+leaderSQL("u")+" FROM users u LEFT JOIN cedula_info ci ON ci.user = u.id WHERE u.id = {:id}) b"+
			" WHERE true ON CONFLICT (node, depth) DO UPDATE SET "+strings.Join(set, ", "))
	}
	if which&placeCounters != 0 {
		stmts = append(stmts, "INSERT INTO "+PlacesTable+" (node, status, departamento, municipio, puesto, n)"+
			" SELECT a.ancestor, b.status, b.departamento, b.municipio, b.puesto, "+s+" * b.n FROM "+from+","+
			" (SELECT status, departamento, municipio, puesto, n FROM "+PlacesTable+" WHERE node = {:id}"+
			" UNION ALL SELECT status, departamento, municipio, puesto, 1 FROM cedula_info WHERE user = {:id}) b"+
			" WHERE true ON CONFLICT (node, status, departamento, municipio, puesto) DO UPDATE SET n = n + excluded.n",
			"INSERT INTO "+DaysTable+" (node, day, n)"+
				" SELECT a.ancestor, b.day, "+s+" * b.n FROM "+from+","+
				" (SELECT day, n FROM "+DaysTable+" WHERE node = {:id}"+
				" UNION ALL SELECT substr(created, 1, 10), 1 FROM users WHERE id = {:id}) b"+
				" WHERE true ON CONFLICT (node, day) DO UPDATE SET n = n + excluded.n")
	}
	if sign < 0 {
		nodes := " WHERE node IN (SELECT ancestor FROM (" + anc + ")) AND "
		if which&levelCounters != 0 {
			stmts = append(stmts, "DELETE FROM "+CountsTable+nodes+"total <= 0")
		}
		if which&placeCounters != 0 {
			stmts = append(stmts, "DELETE FROM "+PlacesTable+nodes+"n <= 0", "DELETE FROM "+DaysTable+nodes+"n <= 0")
		}
	}
	for _, q := range stmts {
		if _, err := app.DB().NewQuery(q).Bind(p).Execute(); err != nil {
			return fmt.Errorf("counters of the ancestors of %s: %w", userID, err)
		}
	}
	return nil
}

// dropOwnCounters forgets userID's own counters (a person leaving the tree
// has nobody below them by then; this clears rows a repair may have left).
func dropOwnCounters(app core.App, userID string) error {
	for _, t := range []string{CountsTable, PlacesTable, DaysTable} {
		if _, err := app.DB().NewQuery("DELETE FROM " + t + " WHERE node = {:id}").Bind(dbx.Params{"id": userID}).Execute(); err != nil {
			return fmt.Errorf("counters of %s: %w", userID, err)
		}
	}
	return nil
}
