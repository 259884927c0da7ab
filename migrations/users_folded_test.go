package migrations

import (
	"fmt"
	"maps"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/padron/padron/schema"
)

// The folded names are backfilled for people saved before the migration,
// and kept by the users triggers afterwards: a registration adds its row,
// a new name refolds it, a deletion removes it; the down step drops them.
func TestUsersFolded(t *testing.T) {
	t.Parallel()
	app, err := tests.NewTestApp(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer app.Cleanup()
	if err := downUsersFolded(app); err != nil {
		t.Fatal(err)
	}
	users, err := app.FindCollectionByNameOrId(schema.UsersCollection)
	if err != nil {
		t.Fatal(err)
	}
	add := func(i int, name string) *core.Record {
		t.Helper()
		r := core.NewRecord(users)
		r.Set("name", name)
		r.Set("cedula", fmt.Sprintf("2000%d", i))
		r.Set("phone", "3001234567")
		r.Set("role", schema.RoleMember)
		r.Set("referral_code", fmt.Sprintf("FOLD%04d", i))
		r.SetPassword("clave-segura-123")
		if err := app.Save(r); err != nil {
			t.Fatalf("save %s: %v", name, err)
		}
		return r
	}
	folded := func() map[string]string {
		t.Helper()
		var rows []struct {
			User   string `db:"user"`
			Folded string `db:"folded"`
		}
		if err := app.DB().NewQuery("SELECT user, folded FROM " + schema.FoldedNamesTable).All(&rows); err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		for _, r := range rows {
			m[r.User] = r.Folded
		}
		return m
	}
	ana := add(1, "Ana Núñez")
	oscar := add(2, "ÓSCAR Peña")
	if err := upUsersFolded(app); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{ana.Id: "ana nunez", oscar.Id: "oscar pena"}
	if got := folded(); !maps.Equal(got, want) {
		t.Fatalf("backfilled %v, want %v", got, want)
	}
	luz := add(3, "Luz Ángela Muñoz")
	ana.Set("name", "Ána Ibáñez")
	if err := app.Save(ana); err != nil {
		t.Fatal(err)
	}
	if err := app.Delete(oscar); err != nil {
		t.Fatal(err)
	}
	want = map[string]string{ana.Id: "ana ibanez", luz.Id: "luz angela munoz"}
	if got := folded(); !maps.Equal(got, want) {
		t.Fatalf("kept %v, want %v", got, want)
	}
	if err := downUsersFolded(app); err != nil {
		t.Fatal(err)
	}
	if app.HasTable(schema.FoldedNamesTable) {
		t.Fatal("the down step left the folded names")
	}
	add(4, "Sin Tabla") // no trigger left to write to a dropped table
}
