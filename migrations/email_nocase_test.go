package migrations

import (
	"fmt"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/padron/padron/schema"
)

// Accounts that already share an email in another case keep it on the
// oldest; afterwards the index refuses a new one in any case and login by
// email finds the account in any case.
func TestEmailNocase(t *testing.T) {
	t.Parallel()
	app, err := tests.NewTestApp(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer app.Cleanup()
	if err := downEmailNocase(app); err != nil {
		t.Fatal(err)
	}
	users, err := app.FindCollectionByNameOrId(schema.UsersCollection)
	if err != nil {
		t.Fatal(err)
	}
	add := func(i int, email string) *core.Record {
		t.Helper()
		r := core.NewRecord(users)
		r.Set("name", "Persona Prueba")
		r.Set("cedula", fmt.Sprintf("1000%d", i))
		r.Set("phone", "3001234567")
		r.Set("role", schema.RoleMember)
		r.Set("referral_code", fmt.Sprintf("CODE%04d", i))
		r.SetEmail(email)
		r.SetPassword("clave-segura-123")
		if err := app.Save(r); err != nil {
			t.Fatalf("save %s: %v", email, err)
		}
		// Registration order, to the second.
		_, err := app.DB().NewQuery("UPDATE users SET created = {:c} WHERE id = {:id}").
			Bind(dbx.Params{"c": fmt.Sprintf("2026-01-0%d 10:00:00.000Z", i), "id": r.Id}).Execute()
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	newest := add(3, "ANA@EXAMPLE.COM")
	oldest := add(1, "Ana@Example.com")
	middle := add(2, "ana@example.com")
	other := add(4, "otra@example.com")

	if err := upEmailNocase(app); err != nil {
		t.Fatal(err)
	}
	for r, want := range map[*core.Record]string{
		oldest: "Ana@Example.com", middle: "", newest: "", other: "otra@example.com",
	} {
		got, err := app.FindRecordById(schema.UsersCollection, r.Id)
		if err != nil {
			t.Fatal(err)
		}
		if got.Email() != want {
			t.Errorf("user %s email %q, want %q", r.Id, got.Email(), want)
		}
	}

	found, err := app.FindAuthRecordByEmail(schema.UsersCollection, "aNA@example.COM")
	if err != nil || found.Id != oldest.Id {
		t.Errorf("login lookup in another case found %v, %v; want %s", found, err, oldest.Id)
	}
	dup := core.NewRecord(users)
	dup.Load(map[string]any{"name": "Otra Persona", "cedula": "10009", "phone": "3001234567",
		"role": schema.RoleMember, "referral_code": "CODE0009"})
	dup.SetEmail("ana@EXAMPLE.com")
	dup.SetPassword("clave-segura-123")
	if err := app.Save(dup); err == nil {
		t.Error("the index let a second account share an email in another case")
	}
}
