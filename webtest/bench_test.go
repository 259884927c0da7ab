package webtest_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/padron/padron/apptest"
)

// benchReferidos is a big leader's network.
const benchReferidos = 5000

// BenchmarkLeaderTable measures the leaders' referidos page with 5,000
// referidos: the cold load until the table is rendered with data, and how
// long a census answer saved on the server takes to show in its row.
//
//	go test ./webtest -run '^$' -bench LeaderTable -benchtime 5x
func BenchmarkLeaderTable(b *testing.B) {
	app := apptest.NewApp(b)
	b.Cleanup(app.Cleanup)
	c := apptest.Seeded(b)
	users, err := app.FindCollectionByNameOrId("users")
	if err != nil {
		b.Fatal(err)
	}
	seeded, err := app.FindRecordById("users", c.LeaderA.ID)
	if err != nil {
		b.Fatal(err)
	}
	hash := seeded.GetRaw("password").(*core.PasswordFieldValue).Hash
	var ids []string
	err = app.RunInTransaction(func(tx core.App) error {
		for i := range benchReferidos {
			r := core.NewRecord(users)
			r.Set("name", fmt.Sprintf("Referido Prueba %c", 'A'+i%26))
			r.Set("cedula", fmt.Sprintf("5%07d", i))
			r.Set("phone", fmt.Sprintf("31%08d", i))
			r.Set("role", "member")
			r.Set("referred_by", c.LeaderA.ID)
			r.SetRaw("password", &core.PasswordFieldValue{Hash: hash})
			if err := tx.Save(r); err != nil {
				return err
			}
			ids = append(ids, r.Id)
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	_, err = app.DB().NewQuery(`UPDATE cedula_info SET status = 'active', departamento = 'ANTIOQUIA',
		municipio = 'MEDELLIN', puesto = 'PUESTO ' || (rowid % 60), mesa = rowid % 30 WHERE user != {:leader}`).
		Bind(dbx.Params{"leader": c.LeaderA.ID}).Execute()
	if err != nil {
		b.Fatal(err)
	}
	e := &env{app: app, srv: serve(b, app), cast: c}

	var load, live time.Duration
	for i := 0; b.Loop(); i++ {
		tb := open(b, e.srv.URL, "", 1280)
		tb.login(c.LeaderA.Cedula, apptest.Password, true)
		tb.nav("/referidos")
		tb.until("the table", `() => document.querySelectorAll("tr[data-status]").length === 100`)
		load += time.Duration(mustEval(b, tb, `() => performance.getEntriesByName("padron-ready")[0].startTime`).Num() * float64(time.Millisecond))

		// The newest referido (first row) gets an answer.
		row, err := app.FindFirstRecordByData("cedula_info", "user", ids[len(ids)-1])
		if err != nil {
			b.Fatal(err)
		}
		row.Set("status", []string{"cancelled_other", "not_found"}[i%2])
		start := time.Now()
		if err := app.Save(row); err != nil {
			b.Fatal(err)
		}
		tb.until("the row to change", `(id, s) => document.querySelector('tr[data-id="' + id + '"]').dataset.status === s`, ids[len(ids)-1], row.GetString("status"))
		live += time.Since(start)
		_ = tb.Close()
	}
	b.ReportMetric(float64(load.Milliseconds())/float64(b.N), "ms/load")
	b.ReportMetric(float64(live.Milliseconds())/float64(b.N), "ms/live-update")
}
