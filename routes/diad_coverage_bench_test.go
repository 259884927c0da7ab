package routes_test

import (
	"bytes"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// BenchmarkDiaDCoverageResults measures, for a leader with 5,000 people in
// 420 mesas on election day (testigos at 200 of them, E-14 reports from 150,
// half the people marked as voted), the coverage view and the results over
// real loopback HTTP, and prints p50/p95. Run:
//
//	go test ./routes -run '^$' -bench DiaDCoverageResults -benchtime 100x
func BenchmarkDiaDCoverageResults(b *testing.B) {
	env := newBenchEnv(b)
	app := env.app
	deps := []string{"ANTIOQUIA", "BOGOTA D.C.", "VALLE", "ATLANTICO", "SANTANDER"}
	place := func(i int) map[string]any { // as newBenchEnv places referido i
		d := deps[i%len(deps)]
		return map[string]any{"departamento": d, "municipio": fmt.Sprintf("%s MUNICIPIO %d", d, i%7),
			"puesto": fmt.Sprintf("PUESTO %d", i%60), "mesa": fmt.Sprint(i % 30)}
	}
	save := func(tx core.App, collection string, fields map[string]any) string {
		col, err := tx.FindCachedCollectionByNameOrId(collection)
		if err != nil {
			b.Fatal(err)
		}
		r := core.NewRecord(col)
		for k, v := range fields {
			r.Set(k, v)
		}
		if err := tx.Save(r); err != nil {
			b.Fatalf("%s: %v", collection, err)
		}
		return r.Id
	}
	start := time.Now()
	err := app.RunInTransaction(func(tx core.App) error {
		election := save(tx, "elections", map[string]any{"name": "Congreso 2026", "date": t0.Add(-10 * time.Hour),
			"opens_at": t0.Add(-9 * time.Hour), "closes_at": t0.Add(-time.Hour),
			"options": []string{"Partido A", "Partido B", "Partido C"}, "current": true})
		for i, id := range env.ids {
			if i%2 == 0 {
				save(tx, "vote_marks", map[string]any{"user": id, "election": election, "marked_by": env.leader.ID,
					"method": "leader", "marked_at": t0.Add(-5 * time.Hour), "status": "live"})
			}
			if i >= 200 {
				continue
			}
			fields := place(i)
			fields["user"], fields["election"], fields["assigned_by"], fields["status"] = id, election, env.leader.ID, "live"
			testigo := save(tx, "testigos", fields)
			if i < 150 {
				report := place(i)
				for k, v := range map[string]any{"testigo": testigo, "election": election, "reported_by": id,
					"votes": map[string]int{"Partido A": 100 + i, "Partido B": 80, "Partido C": 20}, "blank": 3,
					"null_votes": 2, "unmarked": 1, "total": 206 + i, "status": "live"} {
					report[k] = v
				}
				save(tx, "e14_reports", report)
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("election day built in %s", time.Since(start).Round(time.Millisecond))

	b.Run("coverage", func(b *testing.B) {
		d := make([]time.Duration, 0, b.N)
		for range b.N {
			d = append(d, env.do(b, http.MethodGet, "/api/dia-d/coverage", "", 200, func(out []byte) {
				if !bytes.Contains(out, []byte(`"totals":{"mesas":420,"covered":200,"reported":150,"people":5000,"voted":2500}`)) {
					b.Fatalf("coverage: %.300s", out)
				}
			}))
		}
		percentiles(b, "dia-d coverage", d)
	})
	b.Run("people", func(b *testing.B) {
		d := make([]time.Duration, 0, b.N)
		for range b.N {
			d = append(d, env.do(b, http.MethodGet, "/api/dia-d/people", "", 200, nil))
		}
		percentiles(b, "dia-d people", d)
	})
	b.Run("results", func(b *testing.B) {
		d := make([]time.Duration, 0, b.N)
		for range b.N {
			d = append(d, env.do(b, http.MethodGet, "/api/dia-d/results", "", 200, func(out []byte) {
				if !bytes.Contains(out, []byte(`"mesas_reported":150,"mesas_covered":200`)) {
					b.Fatalf("results: %.300s", out)
				}
			}))
		}
		percentiles(b, "dia-d results", d)
	})
}
