package tree

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/pocketbase/pocketbase/core"
)

// recountSelects count every counter table's rows from the closure table,
// the users and their census records, in the tables' column order.
func recountSelects() map[string]string {
	b := bucketSQL("ci.status")
	sums := make([]string, 4)
	for i := range b {
		sums[i] = "sum(" + b[i] + ")"
	}
	return map[string]string{
		CountsTable: "SELECT n.ancestor AS node, n.depth AS depth, count(*) AS total, " + strings.Join(sums, ", ") +
			", sum(" + leaderSQL("u") + ")" +
			" FROM network n LEFT JOIN cedula_info ci ON ci.user = n.descendant LEFT JOIN users u ON u.id = n.descendant" +
			" WHERE n.depth > 0 GROUP BY n.ancestor, n.depth",
		PlacesTable: "SELECT n.ancestor, ci.status, ci.departamento, ci.municipio, ci.puesto, count(*)" +
			" FROM network n JOIN cedula_info ci ON ci.user = n.descendant WHERE n.depth > 0" +
			" GROUP BY n.ancestor, ci.status, ci.departamento, ci.municipio, ci.puesto",
		DaysTable: "SELECT n.ancestor, substr(u.created, 1, 10), count(*)" +
			" FROM network n JOIN users u ON u.id = n.descendant WHERE n.depth > 0 GROUP BY n.ancestor, substr(u.created, 1, 10)",
	}
}

// Recount refills the counter tables from the closure table (the
// migration's backfill; Rebuild calls it; also a repair).
func Recount(app core.App) error {
	for _, table := range []string{CountsTable, PlacesTable, DaysTable} {
		if _, err := app.DB().NewQuery("DELETE FROM " + table).Execute(); err != nil {
			return fmt.Errorf("clear %s: %w", table, err)
		}
		if _, err := app.DB().NewQuery("INSERT INTO " + table + " " + recountSelects()[table]).Execute(); err != nil {
			return fmt.Errorf("recount %s: %w", table, err)
		}
	}
	return nil
}

// VerifyCounts compares the counter tables with a recount and describes
// the first differences; nil when they are equal (rows of zero aside).
func VerifyCounts(app core.App) error {
	var diffs []string
	for _, table := range []string{CountsTable, PlacesTable, DaysTable} {
		want, err := rowSet(app, recountSelects()[table], keyColumns[table])
		if err != nil {
			return fmt.Errorf("recount %s: %w", table, err)
		}
		got, err := rowSet(app, "SELECT * FROM "+table, keyColumns[table])
		if err != nil {
			return fmt.Errorf("load %s: %w", table, err)
		}
		for _, k := range slices.Sorted(maps.Keys(want)) {
			if got[k] != want[k] {
				diffs = append(diffs, fmt.Sprintf("%s %s = %q, want %q", table, k, got[k], want[k]))
			}
		}
		for _, k := range slices.Sorted(maps.Keys(got)) {
			if _, ok := want[k]; !ok && !allZero(got[k]) {
				diffs = append(diffs, fmt.Sprintf("%s %s = %q, want no row", table, k, got[k]))
			}
		}
	}
	if len(diffs) == 0 {
		return nil
	}
	if len(diffs) > 10 {
		diffs = append(diffs[:10], fmt.Sprintf("... %d more", len(diffs)-10))
	}
	return fmt.Errorf("counters differ from a recount: %v", diffs)
}

// keyColumns is how many leading columns of each counter table are its key.
var keyColumns = map[string]int{CountsTable: 2, PlacesTable: 5, DaysTable: 2}

// rowSet reads a query's rows as key (the first keys columns) → values
// (the others), both joined with "|".
func rowSet(app core.App, q string, keys int) (map[string]string, error) {
	rows, err := app.DB().NewQuery(q).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		var key, val []string
		for i, v := range vals {
			if b, ok := v.([]byte); ok {
				v = string(b)
			}
			if i < keys {
				key = append(key, fmt.Sprint(v))
			} else {
				val = append(val, fmt.Sprint(v))
			}
		}
		out[strings.Join(key, "|")] = strings.Join(val, "|")
	}
	return out, rows.Err()
}

// allZero reports whether a rowSet value holds only zeros.
func allZero(v string) bool {
	for _, f := range strings.Split(v, "|") {
		if f != "0" {
			return false
		}
	}
	return true
}
