package tree

import (
	"fmt"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"github.com/padron/padron/census"
	"github.com/padron/padron/schema"
)

// The counter tables keep, per node, what its subtree holds, so the red
// endpoints read a few rows instead of counting a subtree at read time.
// They are plain SQLite tables (not collections: no API reads them), kept
// by this package in the transaction of every change of the tree and by
// SQLite triggers on cedula_info for every change of a census record.
const (
	// CountsTable holds, per node and level below it (depth ≥ 1), the
	// people there and their census groups (Census).
	CountsTable = "network_counts"
	// PlacesTable holds, per node, the people below it by census status
	// and place (the subtree stats).
	PlacesTable = "network_places"
	// DaysTable holds, per node, the people below it by UTC day of
	// registration (the growth window).
	DaysTable = "network_days"
)

// bucketSQL is the SQL test "status (an expression) is in group", one per
// Census field, in the order of the counts table's columns.
func bucketSQL(status string) [4]string {
	in := func(list []string) string {
		q := make([]string, len(list))
		for i, s := range list {
			q[i] = "'" + s + "'"
		}
		return "coalesce(" + status + " IN (" + strings.Join(q, ",") + "), 0)"
	}
	return [4]string{
		in([]string{census.StatusActive}),
		in(census.Answers[1:]), // every answer but active
		in(census.InFlight),
		in(census.Failed),
	}
}

// censusColumns are the counts table's census columns, in bucketSQL order.
var censusColumns = [4]string{"habilitados", "novedad", "pendientes", "problemas"}

// leaderSQL is the SQL test "the users row u is a leader or a coordinator"
// (the counts table's leaders column: the rankings count them).
func leaderSQL(u string) string {
	return "coalesce(" + u + ".role IN ('" + schema.RoleLeader + "', '" + schema.RoleCoordinator + "'), 0)"
}

// CreateCounters makes the counter tables and the cedula_info triggers
// that keep them (the migration; idempotent). Fill them with Recount.
func CreateCounters(app core.App) error {
	if census.Answers[0] != census.StatusActive {
		return fmt.Errorf("tree: census.Answers must start with %q", census.StatusActive)
	}
	stmts := []string{
		`CREATE TABLE IF NOT EXISTS ` + CountsTable + ` (node TEXT NOT NULL, depth INTEGER NOT NULL,
			total INTEGER NOT NULL DEFAULT 0, habilitados INTEGER NOT NULL DEFAULT 0, novedad INTEGER NOT NULL DEFAULT 0,
			pendientes INTEGER NOT NULL DEFAULT 0, problemas INTEGER NOT NULL DEFAULT 0,
			leaders INTEGER NOT NULL DEFAULT 0,
			PRIMARY KEY (node, depth)) WITHOUT ROWID`,
		`CREATE TABLE IF NOT EXISTS ` + PlacesTable + ` (node TEXT NOT NULL, status TEXT NOT NULL,
			departamento TEXT NOT NULL, municipio TEXT NOT NULL, puesto TEXT NOT NULL, n INTEGER NOT NULL,
			PRIMARY KEY (node, status, departamento, municipio, puesto)) WITHOUT ROWID`,
		`CREATE TABLE IF NOT EXISTS ` + DaysTable + ` (node TEXT NOT NULL, day TEXT NOT NULL, n INTEGER NOT NULL,
			PRIMARY KEY (node, day)) WITHOUT ROWID`,
	}
	stmts = append(stmts, triggers()...)
	for _, s := range stmts {
		if _, err := app.DB().NewQuery(s).Execute(); err != nil {
			return fmt.Errorf("tree: create counters: %w", err)
		}
	}
	return nil
}

// AddLeaderCounts brings counter tables made before the leaders column
// to CreateCounters' shape (the column and the users trigger that keeps
// it; nothing on tables that have them) and recounts them (the
// migration).
func AddLeaderCounts(app core.App) error {
	var has int
	err := app.DB().NewQuery("SELECT count(*) FROM pragma_table_info('" + CountsTable + "') WHERE name = 'leaders'").Row(&has)
	if err != nil {
		return fmt.Errorf("tree: look for the leaders column: %w", err)
	}
	if has == 0 {
		if _, err := app.DB().NewQuery("ALTER TABLE " + CountsTable + " ADD COLUMN leaders INTEGER NOT NULL DEFAULT 0").Execute(); err != nil {
			return fmt.Errorf("tree: add the leaders column: %w", err)
		}
	}
	if err := CreateCounters(app); err != nil {
		return err
	}
	return Recount(app)
}

// DropCounters undoes CreateCounters.
func DropCounters(app core.App) error {
	for _, s := range []string{
		"DROP TRIGGER IF EXISTS network_census_insert", "DROP TRIGGER IF EXISTS network_census_update",
		"DROP TRIGGER IF EXISTS network_census_delete", "DROP TRIGGER IF EXISTS network_role_update",
		"DROP TABLE IF EXISTS " + CountsTable, "DROP TABLE IF EXISTS " + PlacesTable, "DROP TABLE IF EXISTS " + DaysTable,
	} {
		if _, err := app.DB().NewQuery(s).Execute(); err != nil {
			return fmt.Errorf("tree: drop counters: %w", err)
		}
	}
	return nil
}

// triggers move a person between census groups and places for every
// ancestor when their cedula_info row comes, changes or goes, and in or
// out of the leaders when their role changes. A row of a
// person not yet in the network changes nothing: Insert counts the
// person's census record, whenever it was made.
func triggers() []string {
	ancestors := func(rec string) string {
		return "SELECT ancestor, depth FROM network WHERE descendant = " + rec + ".user AND depth > 0"
	}
	counts := func(rec, sign string) string {
		b := bucketSQL(rec + ".status")
		set := make([]string, 4)
		for i, c := range censusColumns {
			set[i] = c + " = " + c + " " + sign + " " + b[i]
		}
		return "UPDATE " + CountsTable + " SET " + strings.Join(set, ", ") +
			" WHERE (node, depth) IN (" + ancestors(rec) + ");"
	}
	add := func(rec string) string {
		return counts(rec, "+") +
			" INSERT INTO " + PlacesTable + " (node, status, departamento, municipio, puesto, n)" +
			" SELECT ancestor, " + rec + ".status, " + rec + ".departamento, " + rec + ".municipio, " + rec + ".puesto, 1" +
			" FROM network WHERE descendant = " + rec + ".user AND depth > 0" +
			" ON CONFLICT (node, status, departamento, municipio, puesto) DO UPDATE SET n = n + 1;"
	}
	sub := func(rec string) string {
		place := " AND status = " + rec + ".status AND departamento = " + rec + ".departamento AND municipio = " +
			rec + ".municipio AND puesto = " + rec + ".puesto"
		nodes := " node IN (SELECT ancestor FROM network WHERE descendant = " + rec + ".user AND depth > 0)"
		return counts(rec, "-") +
			" UPDATE " + PlacesTable + " SET n = n - 1 WHERE" + nodes + place + ";" +
			" DELETE FROM " + PlacesTable + " WHERE n <= 0 AND" + nodes + place + ";"
	}
	changed := []string{}
	for _, c := range []string{"user", "status", "departamento", "municipio", "puesto"} {
		changed = append(changed, "old."+c+" IS NOT new."+c)
	}
	return []string{
		// A person who becomes a leader or coordinator, or stops being
		// one, counts for the leaders of every level above them.
		"CREATE TRIGGER IF NOT EXISTS network_role_update AFTER UPDATE OF role ON users WHEN " +
			leaderSQL("old") + " IS NOT " + leaderSQL("new") + " BEGIN UPDATE " + CountsTable +
			" SET leaders = leaders + " + leaderSQL("new") + " - " + leaderSQL("old") +
			" WHERE (node, depth) IN (SELECT ancestor, depth FROM network WHERE descendant = new.id AND depth > 0); END",
		"CREATE TRIGGER IF NOT EXISTS network_census_insert AFTER INSERT ON cedula_info BEGIN " + add("new") + " END",
		"CREATE TRIGGER IF NOT EXISTS network_census_delete AFTER DELETE ON cedula_info BEGIN " + sub("old") + " END",
		"CREATE TRIGGER IF NOT EXISTS network_census_update AFTER UPDATE OF user, status, departamento, municipio, puesto ON cedula_info WHEN " +
			strings.Join(changed, " OR ") + " BEGIN " + sub("old") + " " + add("new") + " END",
	}
}
