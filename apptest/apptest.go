// Package apptest gives tests a real PocketBase app on real SQLite with
// Padrón's schema and a small cast of users (a superuser, two leaders and
// their referidos), cheaply: the seeded data dir is built once per test
// process and cloned for every app.
package apptest

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/padron/padron/backups"
	"github.com/padron/padron/config"
	_ "github.com/padron/padron/migrations" // registers the schema
	"github.com/padron/padron/schema"
	"github.com/padron/padron/server"
)

// Person is a seeded user and a valid auth token for them.
type Person struct {
	ID, Name, Cedula, ReferralCode, Token string
}

// Cast is every seeded identity, so tests read as the roles they exercise.
type Cast struct {
	// Superuser's Token authorises as a PocketBase superuser.
	Superuser Person
	// LeaderA referred MemberA; LeaderB referred MemberB; Loner has no referrer.
	LeaderA, LeaderB, MemberA, MemberB, Loner Person
}

// Password is every seeded user's password.
const Password = "clave-segura-123"

var (
	once     sync.Once
	template string
	cast     Cast
	buildErr error
)

// Seeded returns the cast, building the template data dir on first use.
func Seeded(t testing.TB) Cast {
	t.Helper()
	once.Do(func() { template, cast, buildErr = build() })
	if buildErr != nil {
		t.Fatalf("apptest: build template: %v", buildErr)
	}
	return cast
}

// NewBareApp clones the seeded data dir into a fresh app with nothing of
// Padrón's bound (no hooks, no routes), for tests of a single part.
func NewBareApp(t testing.TB) *tests.TestApp {
	t.Helper()
	Seeded(t)
	app, err := tests.NewTestApp(template)
	if err != nil {
		t.Fatalf("apptest: new app: %v", err)
	}
	holdCron(app)
	return app
}

// NewApp is NewBareApp wired as the binary wires it (server.Build), with
// the default configuration but the census worker off.
func NewApp(t testing.TB) *tests.TestApp {
	t.Helper()
	cfg := config.Default()
	cfg.Worker = false
	return NewAppWith(t, cfg)
}

// NewAppWith is NewBareApp wired by server.Build from cfg and opts, for
// tests that need other settings than NewApp's (a pinned clock, a counting
// queue, a worker of their own).
func NewAppWith(t testing.TB, cfg config.Config, opts ...server.Option) *tests.TestApp {
	t.Helper()
	app := NewBareApp(t)
	if _, err := server.Build(app, cfg, opts...); err != nil {
		app.Cleanup()
		t.Fatalf("apptest: build server: %v", err)
	}
	return app
}

func build() (string, Cast, error) {
	empty, err := os.MkdirTemp("", "padron-apptest-empty-")
	if err != nil {
		return "", Cast{}, err
	}
	defer os.RemoveAll(empty)

	app, err := tests.NewTestApp(empty)
	if err != nil {
		return "", Cast{}, err
	}
	// The binary's hooks (each user gets a cedula_info), no worker.
	if _, err := server.Build(app, config.Default(), server.WithoutWorker()); err != nil {
		app.Cleanup()
		return "", Cast{}, err
	}

	var c Cast
	if c, err = seed(app); err != nil {
		app.Cleanup()
		return "", Cast{}, err
	}
	// The default backup schedule, as the first serve writes it, so every
	// clone's serve finds it in place instead of saving the settings again.
	if err := backups.Apply(app, backups.Config{}, func(core.App, string) {}); err != nil {
		app.Cleanup()
		return "", Cast{}, err
	}
	dir := app.DataDir()
	// Close the databases but keep the dir: it becomes the template.
	if err := app.ResetBootstrapState(); err != nil {
		return "", Cast{}, err
	}
	return dir, c, nil
}

func seed(app core.App) (Cast, error) {
	var c Cast

	su := core.NewRecord(mustCollection(app, core.CollectionNameSuperusers))
	su.SetEmail("admin@padron.test")
	su.SetPassword(Password)
	if err := app.Save(su); err != nil {
		return c, fmt.Errorf("superuser: %w", err)
	}
	token, err := su.NewAuthToken()
	if err != nil {
		return c, err
	}
	c.Superuser = Person{ID: su.Id, Token: token}

	users := mustCollection(app, "users")
	add := func(p *Person, name, ced, code, role, referredBy string) error {
		r := core.NewRecord(users)
		r.Set("name", name)
		r.Set("cedula", ced)
		r.Set("phone", "3001234567")
		r.Set("role", role)
		r.Set("referral_code", code)
		r.Set("referred_by", referredBy)
		r.Set("referral_goal", 10)
		r.Set("data_policy_version", schema.PolicyVersion) // registered under the policy in force
		r.SetPassword(Password)
		if err := app.Save(r); err != nil {
			return fmt.Errorf("user %s: %w", name, err)
		}
		tok, err := r.NewAuthToken()
		if err != nil {
			return err
		}
		*p = Person{ID: r.Id, Name: name, Cedula: ced, ReferralCode: code, Token: tok}
		return nil
	}
	steps := []error{
		add(&c.LeaderA, "Lucía Líder", "10000001", "LEADAAAA", "leader", ""),
		add(&c.LeaderB, "Bruno Líder", "10000002", "LEADBBBB", "leader", ""),
	}
	steps = append(steps,
		add(&c.MemberA, "Ana Referida", "20000001", "MEMBERA1", "member", c.LeaderA.ID),
		add(&c.MemberB, "Beto Referido", "20000002", "MEMBERB1", "member", c.LeaderB.ID),
		add(&c.Loner, "Carla Sola", "20000003", "MEMBERC1", "member", ""),
	)
	for _, err := range steps {
		if err != nil {
			return c, err
		}
	}
	return c, nil
}

func mustCollection(app core.App, name string) *core.Collection {
	col, err := app.FindCollectionByNameOrId(name)
	if err != nil {
		panic(fmt.Sprintf("apptest: collection %s: %v", name, err))
	}
	return col
}

// holdCron keeps the app's cron ticker from starting when serve would
// start it: a test runs a cron job by calling it, so no outcome depends on
// the wall clock and no tick lands on a test's cleanup (which closes the
// databases a job reads). It unbinds PocketBase's start hook rather than
// stopping the ticker after it: Cron.Start arms a timer that a later Stop
// cannot cancel once it has fired (with a short interval, often).
func holdCron(app core.App) {
	before := app.OnServe().Length()
	app.OnServe().Unbind(pbCronStartHook)
	if app.OnServe().Length() != before-1 {
		panic("apptest: PocketBase's cron start hook " + pbCronStartHook + " is gone; holdCron needs its new id")
	}
}

// pbCronStartHook is the id of the OnServe hook PocketBase binds in every
// app to start its cron (core/base.go, registerBaseHooks).
const pbCronStartHook = "__pbCronStart__"

// CloneApp is a second app holding a copy of app's data, wired as NewApp:
// PocketBase binds one router per app, so two servers of the same data
// (one of them with a hook unbound, say) need two apps.
func CloneApp(t testing.TB, app *tests.TestApp) *tests.TestApp {
	t.Helper()
	for _, db := range []dbx.Builder{app.DB(), app.AuxDB()} {
		if _, err := db.NewQuery("PRAGMA wal_checkpoint(TRUNCATE)").Execute(); err != nil {
			t.Fatalf("apptest: checkpoint: %v", err)
		}
	}
	return OpenApp(t, app.DataDir())
}

// OpenApp is a test app on a copy of the data directory dir (a cached
// seed, another app's data), wired as NewApp.
func OpenApp(t testing.TB, dir string) *tests.TestApp {
	t.Helper()
	app, err := tests.NewTestApp(dir)
	if err != nil {
		t.Fatalf("apptest: open %s: %v", dir, err)
	}
	holdCron(app)
	cfg := config.Default()
	cfg.Worker = false
	if _, err := server.Build(app, cfg); err != nil {
		app.Cleanup()
		t.Fatalf("apptest: build server: %v", err)
	}
	return app
}

// QueryPlan is SQLite's plan for query (as the query log gives it), one
// step a line, for tests that pin how a statement runs.
func QueryPlan(t testing.TB, app core.App, query string) string {
	t.Helper()
	var plan []struct {
		Detail string `db:"detail"`
	}
	if err := app.DB().NewQuery("EXPLAIN QUERY PLAN " + query).All(&plan); err != nil {
		t.Fatalf("apptest: plan of %s: %v", query, err)
	}
	steps := make([]string, 0, len(plan))
	for _, p := range plan {
		steps = append(steps, p.Detail)
	}
	return strings.Join(steps, "\n")
}
