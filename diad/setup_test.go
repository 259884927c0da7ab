package diad_test

import (
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/padron/padron/apptest"
	"github.com/padron/padron/config"
	"github.com/padron/padron/server"
)

// electionID is the seeded election's fixed id, so request bodies can name it.
const electionID = "elec2026marzo08"

// pinned is a clock tests move: the server reads it for the open hours.
type pinned struct {
	mu sync.Mutex
	t  time.Time
}

func (c *pinned) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *pinned) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// places: MemberA and MemberB vote at the same mesa, Loner at another.
var (
	mesa3 = []string{"ANTIOQUIA", "MEDELLIN", "IE SAN JOSE", "CL 10 # 20-30", "3"}
	mesa7 = []string{"ANTIOQUIA", "MEDELLIN", "IE SAN JOSE", "CL 10 # 20-30", "7"}
)

// newApp is the seeded app wired as the binary, its clock at now, with the
// current election of 2026-03-08 (default hours, options A and B) and the
// members' polling places answered.
func newApp(t testing.TB, now time.Time) (*tests.TestApp, *pinned) {
	t.Helper()
	clk := &pinned{t: now}
	cfg := config.Default()
	cfg.Worker = false
	app := apptest.NewAppWith(t, cfg, server.WithoutWorker(), server.WithClock(clk.Now))
	c := apptest.Seeded(t)
	col, err := app.FindCollectionByNameOrId("elections")
	if err != nil {
		t.Fatal(err)
	}
	el := core.NewRecord(col)
	el.Id = electionID
	el.Set("name", "Congreso 2026")
	el.Set("date", time.Date(2026, 3, 8, 0, 0, 0, 0, time.UTC))
	el.Set("options", []string{"Partido A", "Partido B"})
	el.Set("current", true)
	if err := app.Save(el); err != nil {
		t.Fatal(err)
	}
	place(t, app, c.MemberA.ID, mesa3)
	place(t, app, c.MemberB.ID, mesa3)
	place(t, app, c.Loner.ID, mesa7)
	return app, clk
}

func place(t testing.TB, app core.App, userID string, p []string) {
	t.Helper()
	info, err := app.FindFirstRecordByData("cedula_info", "user", userID)
	if err != nil {
		t.Fatal(err)
	}
	info.Set("status", "active")
	for i, f := range []string{"departamento", "municipio", "puesto", "direccion", "mesa"} {
		info.Set(f, p[i])
	}
	if err := app.Save(info); err != nil {
		t.Fatal(err)
	}
}

// saveMark stores a live mark directly (no request hooks), as if made earlier.
func saveMark(t testing.TB, app core.App, id, user, by, method string, at time.Time) {
	t.Helper()
	col, err := app.FindCollectionByNameOrId("vote_marks")
	if err != nil {
		t.Fatal(err)
	}
	r := core.NewRecord(col)
	r.Id = id
	r.Set("user", user)
	r.Set("election", electionID)
	r.Set("marked_by", by)
	r.Set("method", method)
	r.Set("marked_at", at.UTC())
	r.Set("status", "live")
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
}

// saveTestigo assigns user to mesa p in the election, by assigner.
func saveTestigo(t testing.TB, app core.App, id, user, by string, p []string) {
	t.Helper()
	col, err := app.FindCollectionByNameOrId("testigos")
	if err != nil {
		t.Fatal(err)
	}
	r := core.NewRecord(col)
	r.Id = id
	r.Set("user", user)
	r.Set("election", electionID)
	r.Set("assigned_by", by)
	r.Set("departamento", p[0])
	r.Set("municipio", p[1])
	r.Set("puesto", p[2])
	r.Set("mesa", p[4])
	r.Set("status", "live")
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
}

func auth(p apptest.Person) map[string]string { return map[string]string{"Authorization": p.Token} }

// countMarks counts the stored marks of user with status ("" any).
func countMarks(t testing.TB, app core.App, user, status string) int {
	t.Helper()
	filter := "user = {:u}"
	if status != "" {
		filter += " && status = {:s}"
	}
	recs, err := app.FindRecordsByFilter("vote_marks", filter, "", 0, 0, map[string]any{"u": user, "s": status})
	if err != nil {
		t.Fatal(err)
	}
	return len(recs)
}
