package demo

import (
	"fmt"
	"slices"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/security"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/padron/padron/census"
	"github.com/padron/padron/config"
	"github.com/padron/padron/schema"
	padron "github.com/padron/padron/server"
	"github.com/padron/padron/tree"
)

// SeedDir creates dataDir's database with Padrón's schema and c in it, and
// a superuser (SuperuserEmail, Password), through the server's own wiring
// (so every record hook runs) without a worker; the server opens the
// directory afterwards. It returns how long the writes took.
func SeedDir(dataDir string, c *Campaign) (time.Duration, error) {
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dataDir})
	if err := app.Bootstrap(); err != nil {
		return 0, fmt.Errorf("demo: bootstrap %s: %w", dataDir, err)
	}
	defer app.ResetBootstrapState()
	if err := app.RunAllMigrations(); err != nil {
		return 0, fmt.Errorf("demo: migrations: %w", err)
	}
	if _, err := padron.Build(app, config.Default(), padron.WithoutWorker()); err != nil {
		return 0, fmt.Errorf("demo: wiring: %w", err)
	}
	start := time.Now()
	if err := Seed(app, c); err != nil {
		return 0, err
	}
	return time.Since(start), nil
}

// Seed writes c into app in one transaction, as plain inserts: the users
// (all sharing one bcrypt hash of Password) and their census records as
// weeks of checks would have left them. Going around the record hooks
// makes 5,000 people take about a second instead of fifteen; the rows are
// the ones the hooks would write (the closure table rebuilt at the end) (TestSeedRecordsAreValid checks them
// against the collections' fields). It sets c.People[i].ID.
func Seed(app core.App, c *Campaign) error {
	users, err := app.FindCollectionByNameOrId(schema.UsersCollection)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	coordinator := RoleLeader
	if f, ok := users.Fields.GetByName("role").(*core.SelectField); ok && slices.Contains(f.Values, RoleCoordinator) {
		coordinator = RoleCoordinator
	}
	hasSubtreeGoal := users.Fields.GetByName("subtree_goal") != nil

	supers, err := app.FindCollectionByNameOrId(core.CollectionNameSuperusers)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	su := core.NewRecord(supers)
	su.SetEmail(SuperuserEmail)
	su.SetPassword(Password)
	if err := app.Save(su); err != nil {
		return fmt.Errorf("demo: superuser: %w", err)
	}
	// One bcrypt, at the users' own cost.
	probe := core.NewRecord(users)
	probe.SetPassword(Password)
	pv, ok := probe.GetRaw(core.FieldNamePassword).(*core.PasswordFieldValue)
	if !ok || pv.Hash == "" {
		return fmt.Errorf("demo: hashing the password gave no hash")
	}
	hash := pv.Hash

	codes := map[string]bool{}
	for i := range c.People {
		c.People[i].ID = core.GenerateDefaultRandomId()
	}
	return app.RunInTransaction(func(tx core.App) error {
		for i := range c.People {
			p := &c.People[i]
			role, parent := p.Role, ""
			if role == RoleCoordinator {
				role = coordinator
			}
			if p.Parent >= 0 {
				parent = c.People[p.Parent].ID
			}
			code := security.RandomStringWithAlphabet(8, codeAlphabet)
			for codes[code] {
				code = security.RandomStringWithAlphabet(8, codeAlphabet)
			}
			codes[code] = true
			created := stamp(p.Created)
			row := dbx.Params{
				"id": p.ID, "name": p.Name, "cedula": p.Cedula, "phone": p.Phone, "role": role,
				"referral_code": code, "referred_by": parent, "referral_goal": p.ReferralGoal,
				"data_policy_accepted_at": created, "data_policy_version": schema.PolicyVersion,
				core.FieldNamePassword: hash, core.FieldNameTokenKey: security.RandomString(50),
				core.FieldNameEmail: "", core.FieldNameEmailVisibility: false, core.FieldNameVerified: false,
				"created": created, "updated": created,
			}
			if hasSubtreeGoal {
				row["subtree_goal"] = p.SubtreeGoal
			}
			if _, err := tx.DB().Insert(schema.UsersCollection, row).Execute(); err != nil {
				return fmt.Errorf("demo: user %d (%s): %w", i, p.Cedula, err)
			}
			if err := insertCensus(tx, p, parent); err != nil {
				return err
			}
		}
		// The closure table, as the registration hooks would have kept it.
		if err := tree.Rebuild(tx); err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		return nil
	})
}

// codeAlphabet is what referral codes are made of (the field's pattern).
const codeAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// stamp formats t as PocketBase stores dates.
func stamp(t time.Time) string { return t.UTC().Format(types.DefaultDateLayout) }

// insertCensus writes a seeded user's census record in the state weeks of
// checks would have left: answers fetched minutes after registering (or at
// a recent revalidation), failed checks with their message, pending ones
// queued at registration for their referrer's turn.
func insertCensus(tx core.App, p *Person, parent string) error {
	created := stamp(p.Created)
	fetched := p.Created.Add(3 * time.Minute)
	if age := time.Since(fetched); age > 20*24*time.Hour {
		// Revalidated since: a recent answer, so the worker does not
		// check thousands of cédulas again the moment the demo starts.
		fetched = time.Now().Add(-age % (20 * 24 * time.Hour))
	}
	by := parent
	if by == "" {
		by = p.ID
	}
	f := p.Answer
	row := dbx.Params{
		"id": core.GenerateDefaultRandomId(), "user": p.ID, "status": p.Status,
		"departamento": f.Departamento, "municipio": f.Municipio, "puesto": f.Puesto,
		"direccion": f.Direccion, "mesa": f.Mesa, "novedad": f.Novedad, "resolucion": f.Resolucion,
		"fecha_novedad": f.FechaNovedad, "fetched_at": stamp(fetched), "error_message": "",
		"attempts": 0, "requested_at": created, "queue_kind": string(census.KindFirst), "queued_by": by,
		"created": created, "updated": stamp(fetched),
	}
	switch p.Status {
	case census.StatusPending:
		row["fetched_at"], row["updated"] = "", created
		for _, k := range []string{"departamento", "municipio", "puesto", "direccion", "mesa", "novedad", "resolucion", "fecha_novedad"} {
			row[k] = ""
		}
	case census.StatusError:
		row["error_message"] = census.Message(census.Fail(census.ErrTransient, nil, "the registrar did not answer"))
		for _, k := range []string{"departamento", "municipio", "puesto", "direccion", "mesa"} {
			row[k] = ""
		}
	}
	if _, err := tx.DB().Insert(schema.CedulaInfoCollection, row).Execute(); err != nil {
		return fmt.Errorf("demo: census record of %s: %w", p.Cedula, err)
	}
	return nil
}
