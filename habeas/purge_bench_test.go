package habeas_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/padron/padron/apptest"
	"github.com/padron/padron/campaign"
	"github.com/padron/padron/config"
	"github.com/padron/padron/habeas"
	"github.com/padron/padron/server"
	"github.com/padron/padron/tree"
)

// seedPeople inserts n people straight by SQL (no hooks, no bcrypt) in a
// random pyramid at most 8 levels deep, each with a census record and one
// attempt, half of them with a vote mark their referrer made on election
// day, every tenth with a consent, then closes the network with
// tree.Rebuild: the shape a campaign has on the day of its full purge.
func seedPeople(tb testing.TB, app core.App, n int) {
	tb.Helper()
	rng := rand.New(rand.NewPCG(uint64(n), 19))
	hash := "$2a$04$benchbenchbenchbenchbeOQ1p3Q5xYf9kq8m8s9sC2w6o1yQ4Zy6"
	ids, depth := make([]string, 0, n), make([]int, 0, n)
	now := time.Now().UTC().Format("2006-01-02 15:04:05.000Z")
	err := app.RunInTransaction(func(tx core.App) error {
		_, err := tx.DB().NewQuery("INSERT INTO elections (id, name, date, current, created, updated) VALUES ('eleccion0000001', 'Congreso 2026', {:now}, 1, {:now}, {:now})").
			Bind(dbx.Params{"now": now}).Execute()
		if err != nil {
			return err
		}
		for i := range n {
			id := fmt.Sprintf("p%014d", i)
			parent, d := "", 0
			if i > 0 {
				for {
					j := rng.IntN(i)
					if rng.IntN(4) == 0 {
						j = rng.IntN(min(i, 50))
					}
					if depth[j] < 8 {
						parent, d = ids[j], depth[j]+1
						break
					}
				}
			}
			p := dbx.Params{"id": id, "hash": hash, "tk": "tk" + id + "xxxxxxxxxxxxxxxxxx", "cedula": strconv.Itoa(700_000_000 + i),
				"code": fmt.Sprintf("%08d", i), "parent": parent, "now": now}
			for _, q := range []string{
				"INSERT INTO users (id, name, password, tokenKey, cedula, phone, role, referral_code, referred_by, referral_goal, created, updated) " +
					"VALUES ({:id}, 'Persona Sembrada', {:hash}, {:tk}, {:cedula}, '3001234567', 'member', {:code}, {:parent}, 10, {:now}, {:now})",
				"INSERT INTO cedula_info (user, status, departamento, municipio, puesto, raw_response, created, updated) " +
					"VALUES ({:id}, 'active', 'ANTIOQUIA', 'MEDELLIN', 'PUESTO 1', '<html>registrar</html>', {:now}, {:now})",
				"INSERT INTO census_attempts (user, outcome, started_at, created) VALUES ({:id}, 'active', {:now}, {:now})",
			} {
				if _, err := tx.DB().NewQuery(q).Bind(p).Execute(); err != nil {
					return err
				}
			}
			if i%2 == 1 { // half voted, marked by their referrer on election day
				_, err := tx.DB().NewQuery("INSERT INTO vote_marks (user, election, marked_by, method, marked_at, status, created, updated) " +
					"VALUES ({:id}, 'eleccion0000001', {:parent}, 'leader', {:now}, 'live', {:now}, {:now})").Bind(p).Execute()
				if err != nil {
					return err
				}
			}
			if i%10 == 0 {
				if err := habeas.Append(tx, id, habeas.PurposeProcessing, true, "2026-11", "", habeas.SourceRegistration); err != nil {
					return err
				}
			}
			ids, depth = append(ids, id), append(depth, d)
		}
		return tree.Rebuild(tx)
	})
	if err != nil {
		tb.Fatalf("seed %d people: %v", n, err)
	}
}

// purgePeople is how many people BenchmarkPurgeAll seeds
// (PADRON_PURGE_PEOPLE, 20,000 by default).
func purgePeople() int {
	if n, err := strconv.Atoi(os.Getenv("PADRON_PURGE_PEOPLE")); err == nil && n > 0 {
		return n
	}
	return 20_000
}

// BenchmarkPurgeAll runs the scheduled full purge on a campaign of 20,000
// people (census records, attempts, the network): the time it takes, and
// people/s. Run it once: go test ./habeas -run '^$' -bench PurgeAll -benchtime 1x
func BenchmarkPurgeAll(b *testing.B) {
	n := purgePeople()
	for range b.N {
		b.StopTimer()
		app := apptest.NewAppWith(b, config.Default(), server.WithoutWorker())
		seedPeople(b, app, n)
		rec, err := campaign.Load(app)
		if err != nil {
			b.Fatal(err)
		}
		at := time.Now().Add(-time.Minute)
		rec.Set("purge_all_at", at)
		if err := app.Save(rec); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start, cpu := time.Now(), cpuTime()
		if err := habeas.RunDuePurges(app, time.Now()); err != nil {
			b.Fatal(err)
		}
		took, cpuTook := time.Since(start), cpuTime()-cpu
		b.StopTimer()
		for _, col := range []string{"users", "cedula_info", "census_attempts", "network", "vote_marks"} {
			if left, err := app.CountRecords(col); err != nil || left != 0 {
				b.Fatalf("%s: %d left after the purge (%v)", col, left, err)
			}
		}
		b.ReportMetric(float64(n)/took.Seconds(), "people/s")
		b.ReportMetric(took.Seconds(), "s/purge")
		// CPU seconds of the process: comparable when other work loads the machine.
		b.ReportMetric(cpuTook.Seconds(), "cpu-s/purge")
		app.Cleanup()
	}
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
