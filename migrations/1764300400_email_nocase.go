package migrations

import (
	"fmt"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/dbutils"

	"github.com/padron/padron/schema"
)

func init() {
	m.Register(upEmailNocase, downEmailNocase)
}

// upEmailNocase makes the users' email unique in any letter case
// (A@Example.com and a@example.com are one mailbox, and were two accounts).
// PocketBase then also finds an email login in any case: it reads the
// index's collation. Accounts that already share an email in another case
// keep it on the oldest one; the newer ones lose the (optional) email, each
// logged as a warning so an admin can tell the person. They still log in
// with their cédula.
func upEmailNocase(app core.App) error {
	if err := clearCaseDuplicateEmails(app); err != nil {
		return err
	}
	return setEmailCollation(app, "NOCASE")
}

func downEmailNocase(app core.App) error {
	return setEmailCollation(app, "")
}

func setEmailCollation(app core.App, collate string) error {
	users, err := app.FindCollectionByNameOrId(schema.UsersCollection)
	if err != nil {
		return err
	}
	for i, raw := range users.Indexes {
		idx := dbutils.ParseIndex(raw)
		if !idx.Unique || len(idx.Columns) != 1 || !strings.EqualFold(idx.Columns[0].Name, core.FieldNameEmail) {
			continue
		}
		idx.Columns[0].Collate = collate
		users.Indexes[i] = idx.Build()
		return app.Save(users)
	}
	return fmt.Errorf("users has no unique email index")
}

func clearCaseDuplicateEmails(app core.App) error {
	var dups []struct {
		Email string `db:"email"`
	}
	err := app.DB().Select("lower([[email]]) AS email").From(schema.UsersCollection).
		Where(dbx.NewExp("[[email]] != ''")).
		GroupBy("lower([[email]])").
		Having(dbx.NewExp("count(*) > 1")).
		All(&dups)
	if err != nil {
		return fmt.Errorf("find emails shared in another case: %w", err)
	}
	for _, d := range dups {
		// lower() and NOCASE fold the same letters (ASCII), so this is
		// exactly the group the new index would refuse.
		var holders []*core.Record
		err := app.RecordQuery(schema.UsersCollection).
			AndWhere(dbx.NewExp("lower([[email]]) = {:email}", dbx.Params{"email": d.Email})).
			OrderBy("created ASC", "id ASC").
			All(&holders)
		if err != nil {
			return fmt.Errorf("load users sharing %q: %w", d.Email, err)
		}
		for _, u := range holders[1:] {
			app.Logger().Warn("email shared in another letter case: cleared on the newer account",
				"user", u.Id, "email", u.Email(), "kept_by", holders[0].Id)
			u.SetEmail("")
			// Only the email changes; older records are not re-validated
			// against rules written after them.
			if err := app.SaveNoValidate(u); err != nil {
				return fmt.Errorf("clear shared email of user %s: %w", u.Id, err)
			}
		}
	}
	return nil
}
