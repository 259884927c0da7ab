package worker_test

import (
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"github.com/padron/padron/apptest"
)

// TestRegistrationIsLookedUpOnce: a registration's check is pending from
// its own transaction; when the worker answers it before the registration's
// after-commit hooks run (a fast lookup, a busy server), those hooks must
// not queue it again: the registrar is asked once.
func TestRegistrationIsLookedUpOnce(t *testing.T) {
	t.Parallel()
	e := setup(t, nil)
	e.start(t)

	// Runs before Padrón's own after-create hooks: waits until the worker
	// (woken as another registration would wake it) has answered the new
	// person's check.
	e.app.OnRecordAfterCreateSuccess("users").Bind(&hook.Handler[*core.RecordEvent]{
		Priority: -100,
		Func: func(ev *core.RecordEvent) error {
			e.w.Wake()
			e.waitStatus(t, ev.Record.Id, "active")
			return ev.Next()
		},
	})
	users, err := e.app.FindCollectionByNameOrId("users")
	if err != nil {
		t.Fatal(err)
	}
	u := core.NewRecord(users)
	u.Set("name", "Persona Rápida")
	u.Set("cedula", "52123456")
	u.Set("phone", "3001234567")
	u.Set("role", "member")
	u.SetPassword(apptest.Password)
	if err := e.app.Save(u); err != nil {
		t.Fatal(err)
	}
	// Save returned after every hook: the check must still be answered.
	if info := e.info(t, u.Id); info.GetString("status") != "active" {
		t.Fatalf("status %q right after the registration, want active: queued again", info.GetString("status"))
	}
	e.waitStatus(t, u.Id, "active")
	e.waitIdle(t)
	if n := e.look.callsOf("52123456"); n != 1 {
		t.Fatalf("lookups of the new cédula: %d, want 1", n)
	}
}
