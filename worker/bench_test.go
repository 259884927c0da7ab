package worker_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/list"

	"github.com/padron/padron/apptest"
	"github.com/padron/padron/census"
	"github.com/padron/padron/config"
	"github.com/padron/padron/server"
	"github.com/padron/padron/worker"
)

// instant answers at once: the benchmarks measure the queue, not lookups.
type instant struct{}

func (instant) Lookup(_ context.Context, ced string) (census.Result, error) {
	return census.Result{Cedula: ced, Outcome: census.OutcomeFound, Departamento: "META", Municipio: "VILLAVICENCIO",
		Puesto: "COLEGIO", Direccion: "CL 1", Mesa: "3", Raw: `{"success":true}`}, nil
}

// benchApp is a seeded app plus n users whose checks are already answered.
func benchApp(b *testing.B, n int) (*tests.TestApp, []string) {
	b.Helper()
	app := apptest.NewBareApp(b)
	b.Cleanup(app.Cleanup)
	if _, err := server.Build(app, config.Default(), server.WithoutWorker()); err != nil {
		b.Fatal(err)
	}
	users, _ := app.FindCollectionByNameOrId("users")
	ids := make([]string, 0, n)
	err := app.RunInTransaction(func(tx core.App) error {
		for i := range n {
			u := core.NewRecord(users)
			u.Set("name", "Persona Benchmark")
			u.Set("cedula", fmt.Sprint(40000000+i))
			u.Set("phone", "3001234567")
			u.Set("role", "member")
			u.SetPassword("clave-segura-123")
			if err := tx.Save(u); err != nil {
				return err
			}
			ids = append(ids, u.Id)
		}
		_, err := tx.DB().NewQuery("UPDATE cedula_info SET status = 'active'").Execute()
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	return app, ids
}

// BenchmarkQueueOverheadPerCheck runs b.N checks through the real worker with
// a lookup that answers at once: claim, two state saves (processing, final)
// and the attempt record, all through the app so realtime would see them.
func BenchmarkQueueOverheadPerCheck(b *testing.B) {
	app, ids := benchApp(b, b.N)
	w, err := worker.New(app, instant{}, worker.Config{Concurrency: 2, Logger: testLogger()})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	if err := w.Enqueue(app, ids...); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	enqueued := b.Elapsed()
	b.StartTimer()
	if err := w.Start(); err != nil {
		b.Fatal(err)
	}
	for {
		n, err := app.CountRecords("census_attempts")
		if err != nil {
			b.Fatal(err)
		}
		if int(n) >= len(ids) {
			break
		}
		time.Sleep(time.Millisecond)
	}
	b.StopTimer()
	_ = w.Stop(context.Background())
	b.ReportMetric(float64((b.Elapsed()-enqueued).Microseconds())/float64(b.N), "µs/check")
}

// BenchmarkRawSQLitePerCheck is the floor: the same rows changed with plain
// SQL (update to processing, update to final, insert attempt), no hooks, no
// realtime, no validation.
func BenchmarkRawSQLitePerCheck(b *testing.B) {
	app, ids := benchApp(b, b.N)
	infos := make([]string, len(ids))
	for i, u := range ids {
		r, err := app.FindFirstRecordByData("cedula_info", "user", u)
		if err != nil {
			b.Fatal(err)
		}
		infos[i] = r.Id
	}
	db := app.NonconcurrentDB()
	b.ResetTimer()
	for i := range b.N {
		now := time.Now().UTC().Format("2006-01-02 15:04:05.000Z")
		if _, err := db.NewQuery("UPDATE cedula_info SET status='processing', lease_owner='x', lease_until={:t} WHERE id={:id}").
			Bind(dbx.Params{"t": now, "id": infos[i]}).Execute(); err != nil {
			b.Fatal(err)
		}
		if _, err := db.NewQuery("UPDATE cedula_info SET status='active', departamento='META', municipio='VILLAVICENCIO', puesto='COLEGIO', direccion='CL 1', mesa='3', raw_response='{}', fetched_at={:t}, attempts=attempts+1, lease_owner='' WHERE id={:id}").
			Bind(dbx.Params{"t": now, "id": infos[i]}).Execute(); err != nil {
			b.Fatal(err)
		}
		if _, err := db.NewQuery("INSERT INTO census_attempts (id, user, cedula, attempt, source, outcome, success, duration_ms, started_at, created) VALUES ({:id}, {:u}, '1', 1, 'wsp', 'found', 1, 1, {:t}, {:t})").
			Bind(dbx.Params{"id": fmt.Sprintf("bench%010d", i), "u": ids[i], "t": now}).Execute(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N), "µs/check")
}

// BenchmarkEnqueue1000InOneTransaction queues 1,000 answered checks in one
// transaction, as a bulk refresh does.
func BenchmarkEnqueue1000InOneTransaction(b *testing.B) {
	app, ids := benchApp(b, 1000)
	infos, err := app.FindAllRecords("cedula_info", dbx.In("user", list.ToInterfaceSlice(ids)...))
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		if _, err := app.DB().NewQuery("UPDATE cedula_info SET status = 'active'").Execute(); err != nil {
			b.Fatal(err)
		}
		for _, r := range infos {
			r.Set("status", "active")
		}
		b.StartTimer()
		err := app.RunInTransaction(func(tx core.App) error {
			for _, r := range infos {
				if _, err := census.Queue(tx, r, time.Now(), census.Request{Kind: census.KindRefresh}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/1000")
}
