package migrations_test

import (
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/padron/padron/apptest"
)

// TestSingleRelationsAreIndexed: every single relation to another record
// leads a plain (not partial) index, because deleting the record it points
// to (a person, a testigo) looks its referrers up by that column; without
// one, deleting a single person scans the table.
func TestSingleRelationsAreIndexed(t *testing.T) {
	t.Parallel()
	app := apptest.NewApp(t)
	defer app.Cleanup()
	cols, err := app.FindAllCollections(core.CollectionTypeBase, core.CollectionTypeAuth)
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, col := range cols {
		if col.System {
			continue
		}
		led := leadingPlainColumns(t, app, col.Name)
		for _, f := range col.Fields {
			rel, ok := f.(*core.RelationField)
			if !ok || rel.IsMultiple() {
				continue
			}
			checked++
			if !led[rel.Name] {
				t.Errorf("%s.%s leads no plain index: deleting what it points to scans %s", col.Name, rel.Name, col.Name)
			}
		}
	}
	if checked < 10 {
		t.Fatalf("only %d single relations found: the walk is broken", checked)
	}
}

// leadingPlainColumns are the columns that lead a non-partial index of table.
func leadingPlainColumns(t *testing.T, app core.App, table string) map[string]bool {
	t.Helper()
	var idx []struct {
		Name    string `db:"name"`
		Partial int    `db:"partial"`
	}
	if err := app.DB().NewQuery("SELECT name, partial FROM pragma_index_list({:t})").Bind(dbx.Params{"t": table}).All(&idx); err != nil {
		t.Fatal(err)
	}
	led := map[string]bool{}
	for _, i := range idx {
		if i.Partial != 0 {
			continue
		}
		var first struct {
			Name string `db:"name"`
		}
		if err := app.DB().NewQuery("SELECT name FROM pragma_index_info({:i}) WHERE seqno = 0").Bind(dbx.Params{"i": i.Name}).One(&first); err != nil {
			t.Fatalf("%s: %v", i.Name, err)
		}
		led[strings.ToLower(first.Name)] = true
	}
	return led
}
