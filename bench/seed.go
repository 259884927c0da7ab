package bench

import (
	"fmt"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/padron/padron/census"
	"github.com/padron/padron/config"
	"github.com/padron/padron/schema"
	padron "github.com/padron/padron/server"
)

// Seeded identities' shared secrets.
const (
	superEmail = "bench@padron.test"
	password   = "clave-segura-bench"
	// plainCollection is a collection with no hooks and no rules, to time
	// PocketBase's own record creates beside registrations.
	plainCollection = "bench_plain"
)

// population is what one data directory starts with.
type population struct {
	leaders   int // leaders, each with perLeader referidos
	perLeader int
	// firstCedula numbers the seeded cédulas; registrations use others.
	firstCedula int
}

// person is a seeded user with a token the server accepts.
type person struct {
	id, cedula, infoID, token string
}

// seeded is what a data directory was seeded with.
type seeded struct {
	superToken string
	leaders    []leader
}

// leader is a seeded leader and their referidos.
type leader struct {
	person
	referidos []person
}

// seedDataDir creates dataDir with Padrón's schema (the migrations the
// server runs), a superuser, the population with answered census records,
// and the rate limiter off (every bench client shares one IP). It writes
// directly, in this process and before the server starts, because
// registering thousands of users through HTTP would time bcrypt rather
// than set a stage; every user shares one password hash.
func seedDataDir(dataDir string, pop population, hash *string) (seeded, error) {
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dataDir})
	if err := app.Bootstrap(); err != nil {
		return seeded{}, fmt.Errorf("seed %s: bootstrap: %w", dataDir, err)
	}
	defer app.ResetBootstrapState()
	if err := app.RunAllMigrations(); err != nil {
		return seeded{}, fmt.Errorf("seed %s: migrations: %w", dataDir, err)
	}
	// The server's own wiring, so cedula_info comes with each user.
	if _, err := padron.Build(app, config.Default(), padron.WithoutWorker()); err != nil {
		return seeded{}, fmt.Errorf("seed %s: wire: %w", dataDir, err)
	}
	out, err := seed(app, pop, hash)
	if err != nil {
		return seeded{}, fmt.Errorf("seed %s: %w", dataDir, err)
	}
	return out, nil
}

func seed(app core.App, pop population, hash *string) (seeded, error) {
	var out seeded
	s := app.Settings()
	s.RateLimits.Enabled = false
	if err := app.Save(s); err != nil {
		return out, fmt.Errorf("settings: %w", err)
	}
	plain := core.NewBaseCollection(plainCollection)
	plain.Fields.Add(&core.TextField{Name: "title", Max: 200}, &core.NumberField{Name: "n", OnlyInt: true})
	if err := app.Save(plain); err != nil {
		return out, fmt.Errorf("plain collection: %w", err)
	}

	supers, err := app.FindCollectionByNameOrId(core.CollectionNameSuperusers)
	if err != nil {
		return out, err
	}
	su := core.NewRecord(supers)
	su.SetEmail(superEmail)
	su.SetPassword(password)
	if err := app.Save(su); err != nil {
		return out, fmt.Errorf("superuser: %w", err)
	}
	if out.superToken, err = su.NewAuthToken(); err != nil {
		return out, err
	}

	users, err := app.FindCollectionByNameOrId(schema.UsersCollection)
	if err != nil {
		return out, err
	}
	next := pop.firstCedula
	add := func(tx core.App, role, referredBy string) (person, error) {
		r := core.NewRecord(users)
		r.Set("name", "Persona de Prueba")
		r.Set("cedula", fmt.Sprint(next))
		r.Set("phone", fmt.Sprintf("3%09d", next%1_000_000_000))
		r.Set("role", role)
		r.Set("referred_by", referredBy)
		r.Set("referral_goal", schema.DefaultReferralGoal)
		if *hash == "" {
			r.SetPassword(password)
		} else {
			r.SetRaw("password", &core.PasswordFieldValue{Hash: *hash})
		}
		next++
		if err := tx.Save(r); err != nil {
			return person{}, fmt.Errorf("user %s: %w", r.GetString("cedula"), err)
		}
		if pv, ok := r.GetRaw("password").(*core.PasswordFieldValue); ok && *hash == "" {
			*hash = pv.Hash
		}
		tok, err := r.NewAuthToken()
		if err != nil {
			return person{}, err
		}
		return person{id: r.Id, cedula: r.GetString("cedula"), token: tok}, nil
	}
	err = app.RunInTransaction(func(tx core.App) error {
		for range pop.leaders {
			l, err := add(tx, schema.RoleLeader, "")
			if err != nil {
				return err
			}
			ld := leader{person: l}
			for range pop.perLeader {
				p, err := add(tx, schema.RoleMember, l.id)
				if err != nil {
					return err
				}
				ld.referidos = append(ld.referidos, p)
			}
			out.leaders = append(out.leaders, ld)
		}
		return nil
	})
	if err != nil {
		return out, err
	}
	return out, answerAll(app, &out)
}

// answerAll makes every census record an answer from two hours ago: recent
// enough that no revalidation is due, old enough that no refresh cooldown
// applies; and fills in the records' ids.
func answerAll(app core.App, out *seeded) error {
	now := time.Now().UTC()
	_, err := app.DB().NewQuery(`UPDATE cedula_info SET status = {:active}, departamento = 'HUILA',
		municipio = 'NEIVA', puesto = 'COLEGIO SANTA LIBRADA', direccion = 'CL 8 # 5-20', mesa = '1',
		fetched_at = {:then}, requested_at = {:then}, updated = {:then}`).Bind(dbx.Params{
		"active": census.StatusActive,
		"then":   now.Add(-2 * time.Hour).Format(types.DefaultDateLayout),
	}).Execute()
	if err != nil {
		return fmt.Errorf("answering census records: %w", err)
	}
	var rows []struct {
		ID   string `db:"id"`
		User string `db:"user"`
	}
	if err := app.DB().Select("id", "user").From(schema.CedulaInfoCollection).All(&rows); err != nil {
		return fmt.Errorf("reading census records: %w", err)
	}
	infoOf := make(map[string]string, len(rows))
	for _, r := range rows {
		infoOf[r.User] = r.ID
	}
	for i := range out.leaders {
		l := &out.leaders[i]
		l.infoID = infoOf[l.id]
		for j := range l.referidos {
			l.referidos[j].infoID = infoOf[l.referidos[j].id]
		}
	}
	return nil
}
