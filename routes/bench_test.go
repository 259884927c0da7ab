package routes_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"text/tabwriter"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/padron/padron/apptest"
	"github.com/padron/padron/config"
	"github.com/padron/padron/realtimeguard"
	"github.com/padron/padron/server"
	"github.com/padron/padron/worker"
)

const (
	benchReferidos = 5000
	benchWatchers  = 20
)

// benchEnv is a served app where LeaderA has benchReferidos referidos with
// answered census records spread over departamentos, municipios and puestos.
type benchEnv struct {
	app    core.App
	url    string
	leader apptest.Person
	ids    []string
}

func newBenchEnv(b *testing.B) *benchEnv {
	b.Helper()
	c := apptest.Seeded(b)
	// A real worker (never started: no lookups run) so bulk refreshes take
	// the production path: hooks-off saves, background announcements.
	app := apptest.NewBareApp(b)
	w, err := worker.New(app, nil, worker.Config{})
	if err != nil {
		b.Fatal(err)
	}
	cfg := config.Default()
	// Every SSE subscriber of a fan-out bench connects from 127.0.0.1: the
	// per-address cap would refuse all but the first hundred.
	cfg.RealtimeMaxPerIP = realtimeguard.MaxPerIPMax
	if _, err := server.Build(app, cfg, server.WithoutWorker(), server.WithWaker(w)); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = w.Stop(context.Background()); app.Cleanup() })
	app.Settings().RateLimits.Enabled = false // one client, thousands of requests
	env := &benchEnv{app: app, leader: c.LeaderA}

	start := time.Now()
	users, err := app.FindCollectionByNameOrId("users")
	if err != nil {
		b.Fatal(err)
	}
	hash := passwordHash(b, app)
	deps := []string{"ANTIOQUIA", "BOGOTA D.C.", "VALLE", "ATLANTICO", "SANTANDER"}
	err = app.RunInTransaction(func(tx core.App) error {
		for i := range benchReferidos {
			r := core.NewRecord(users)
			r.Set("name", "Referido Prueba")
			r.Set("cedula", fmt.Sprintf("5%07d", i))
			r.Set("phone", fmt.Sprintf("31%08d", i))
			r.Set("role", "member")
			r.Set("referred_by", c.LeaderA.ID)
			r.Set("referral_goal", 10)
			r.SetRaw("password", &core.PasswordFieldValue{Hash: hash})
			if err := tx.Save(r); err != nil {
				return err
			}
			env.ids = append(env.ids, r.Id)
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	// Answers written raw: the setup is not what is measured.
	for i, id := range env.ids {
		d := deps[i%len(deps)]
		_, err := app.DB().NewQuery(`UPDATE cedula_info SET status = 'active', departamento = {:d},
			municipio = {:m}, puesto = {:p}, direccion = 'CL 1 # 2-3', mesa = {:mesa} WHERE user = {:u}`).Bind(dbx.Params{
			"d": d, "m": fmt.Sprintf("%s MUNICIPIO %d", d, i%7), "p": fmt.Sprintf("PUESTO %d", i%60),
			"mesa": fmt.Sprint(i % 30), "u": id,
		}).Execute()
		if err != nil {
			b.Fatal(err)
		}
	}
	env.resetAnswers()
	b.Logf("built %d referidos in %s", benchReferidos, time.Since(start).Round(time.Millisecond))
	env.url = apptest.Serve(b, app).URL
	return env
}

// resetAnswers makes every referido's record a two-hour-old answer again,
// outside any cooldown, so bulk refreshes keep queueing.
func (env *benchEnv) resetAnswers() {
	stamp := t0.Add(-2 * time.Hour).Format("2006-01-02 15:04:05.000Z")
	_, err := env.app.DB().NewQuery(`UPDATE cedula_info SET status = 'active', requested_at = {:t},
		fetched_at = {:t}, updated = {:t} WHERE user IN (SELECT id FROM users WHERE referred_by = {:l})`).
		Bind(dbx.Params{"t": stamp, "l": env.leader.ID}).Execute()
	if err != nil {
		panic(err)
	}
}

func (env *benchEnv) do(b *testing.B, method, path, body string, wantStatus int, check func([]byte)) time.Duration {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, env.url+path, rd)
	req.Header.Set("Authorization", env.leader.Token)
	req.Header.Set("Content-Type", "application/json")
	start := time.Now()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	out, err := io.ReadAll(res.Body)
	elapsed := time.Since(start)
	res.Body.Close()
	if err != nil || res.StatusCode != wantStatus {
		b.Fatalf("%s %s: %d %v %.200s", method, path, res.StatusCode, err, out)
	}
	if check != nil {
		check(out)
	}
	return elapsed
}

var (
	benchMu      sync.Mutex
	benchFigures = map[string][3]time.Duration{} // p50, p95, max
)

func percentiles(b *testing.B, name string, d []time.Duration) {
	slices.Sort(d)
	p := func(q float64) time.Duration { return d[min(len(d)-1, int(q*float64(len(d))))] }
	b.ReportMetric(float64(p(0.50).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(p(0.95).Microseconds())/1000, "p95-ms")
	benchMu.Lock()
	benchFigures[name] = [3]time.Duration{p(0.50), p(0.95), d[len(d)-1]}
	benchMu.Unlock()
}

// BenchmarkReferidos measures, for a leader with 5,000 referidos over real
// loopback HTTP, the referidos list, stats, the CSV export and a 500-id
// bulk refresh, and prints p50/p95. Run:
//
//	go test ./routes -run '^$' -bench Referidos -benchtime 200x
func BenchmarkReferidos(b *testing.B) {
	env := newBenchEnv(b)
	listURL := "/api/collections/users/records?" + url.Values{
		"filter":    {"referred_by='" + env.leader.ID + "'"},
		"sort":      {"-created"},
		"page":      {"1"},
		"perPage":   {"50"},
		"skipTotal": {"1"},
		"expand":    {"cedula_info_via_user"},
	}.Encode()

	b.Run("list", func(b *testing.B) {
		d := make([]time.Duration, 0, b.N)
		for range b.N {
			d = append(d, env.do(b, http.MethodGet, listURL, "", 200, func(out []byte) {
				var page struct {
					Items []struct {
						Expand map[string]any `json:"expand"`
					} `json:"items"`
				}
				if json.Unmarshal(out, &page) != nil || len(page.Items) != 50 || page.Items[0].Expand["cedula_info_via_user"] == nil {
					b.Fatalf("list page: %.300s", out)
				}
			}))
		}
		percentiles(b, "list (50, expanded, skipTotal)", d)
	})
	b.Run("stats", func(b *testing.B) {
		d := make([]time.Duration, 0, b.N)
		want := fmt.Sprintf(`"total":%d`, benchReferidos+1)
		for range b.N {
			d = append(d, env.do(b, http.MethodGet, "/api/referidos/stats", "", 200, func(out []byte) {
				if !strings.Contains(string(out), want) {
					b.Fatalf("stats: %.300s", out)
				}
			}))
		}
		percentiles(b, "stats", d)
	})
	b.Run("export", func(b *testing.B) {
		d := make([]time.Duration, 0, b.N)
		for range b.N {
			d = append(d, env.do(b, http.MethodGet, "/api/referidos/export.csv", "", 200, func(out []byte) {
				if n := strings.Count(string(out), "\n"); n != benchReferidos+2 {
					b.Fatalf("export has %d lines", n)
				}
			}))
		}
		percentiles(b, "export.csv (5,001 rows)", d)
	})
	bulk := func(name string) func(b *testing.B) {
		return func(b *testing.B) {
			d := make([]time.Duration, 0, b.N)
			for i := range b.N {
				batch := env.ids[(i*500)%benchReferidos:][:500]
				body, _ := json.Marshal(map[string]any{"ids": batch, "all": true})
				d = append(d, env.do(b, http.MethodPost, "/api/census/bulk-refresh", string(body), 200, func(out []byte) {
					if !strings.Contains(string(out), `"queued":500`) {
						b.Fatalf("bulk: %.300s", out)
					}
				}))
				if (i+1)%(benchReferidos/500) == 0 {
					env.resetAnswers()
				}
			}
			env.resetAnswers()
			percentiles(b, name, d)
		}
	}
	b.Run("bulk500", bulk("bulk refresh (500 ids)"))
	// With a worker, queued records are announced to realtime in the
	// background (each subscriber costs one rule query per record), so the
	// request itself should not grow with subscribers. The leader and 19
	// others watch cedula_info.
	c := apptest.Seeded(b)
	watchers := []apptest.Person{env.leader}
	for i := 0; len(watchers) < benchWatchers; i++ {
		watchers = append(watchers, []apptest.Person{c.LeaderB, c.MemberA, c.MemberB, c.Loner}[i%4])
	}
	for i, p := range watchers {
		watch(b, env.url, fmt.Sprintf("watcher%d", i), p.Token, nil, "cedula_info")
	}
	b.Run("bulk500-watched", bulk(fmt.Sprintf("bulk refresh (500 ids, %d realtime subscribers)", benchWatchers)))

	benchMu.Lock()
	defer benchMu.Unlock()
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(w, "\nleader with %d referidos, loopback HTTP\t p50\t p95\t max\t\n", benchReferidos)
	for _, name := range []string{"list (50, expanded, skipTotal)", "stats", "export.csv (5,001 rows)", "bulk refresh (500 ids)",
		fmt.Sprintf("bulk refresh (500 ids, %d realtime subscribers)", benchWatchers)} {
		f := benchFigures[name]
		fmt.Fprintf(w, "%s\t %s\t %s\t %s\t\n", name, ms(f[0]), ms(f[1]), ms(f[2]))
	}
	w.Flush()
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }

// watch subscribes like connect but, unless seen wants the stream's lines,
// discards it unparsed, so the benchmark's own clients cost the measured
// process as little as possible. stop closes the connection.
func watch(b *testing.B, base, name, token string, seen func(line string), topics ...string) (stop func()) {
	b.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	b.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/realtime", nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatalf("%s: connect: %v", name, err)
	}
	r := bufio.NewReader(res.Body)
	var clientID string
	for clientID == "" {
		line, err := r.ReadString('\n')
		if err != nil {
			b.Fatalf("%s: no PB_CONNECT: %v", name, err)
		}
		if rest, ok := strings.CutPrefix(line, `data:{"clientId":"`); ok {
			clientID, _, _ = strings.Cut(rest, `"`)
		}
	}
	subscribe(b, base, name, clientID, token, topics)
	go func() {
		defer res.Body.Close()
		if seen == nil {
			_, _ = io.Copy(io.Discard, r)
			return
		}
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			seen(line)
		}
	}()
	return cancel
}
