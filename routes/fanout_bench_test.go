package routes_test

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"text/tabwriter"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/tools/list"
)

const fanoutSubscribers = 1000

// BenchmarkRealtimeFanout measures one cedula_info save (as the worker
// makes three per check) with 1,000 members connected over real SSE, each
// subscribed the way a frontend might: to the whole collection ("*",
// filtered by the list rule) or to their own record by id. PocketBase
// checks a rule per matching subscription inside the save, so the first
// costs a query per subscriber per event and the second one. Run:
//
//	go test ./routes -run '^$' -bench RealtimeFanout -benchtime 200x
func BenchmarkRealtimeFanout(b *testing.B) {
	env := newBenchEnv(b)
	type member struct{ info, token string }
	var rows []struct {
		Info string `db:"id"`
		User string `db:"user"`
	}
	err := env.app.DB().Select("id", "user").From("cedula_info").
		Where(dbx.In("user", list.ToInterfaceSlice(env.ids[:fanoutSubscribers])...)).All(&rows)
	if err != nil || len(rows) != fanoutSubscribers {
		b.Fatalf("cedula_info of the subscribers: %d rows, %v", len(rows), err)
	}
	members := make([]member, len(rows))
	for i, r := range rows {
		u, err := env.app.FindRecordById("users", r.User)
		if err != nil {
			b.Fatal(err)
		}
		tok, err := u.NewAuthToken()
		if err != nil {
			b.Fatal(err)
		}
		members[i] = member{info: r.Info, token: tok}
	}

	type figures struct{ save, delivery []time.Duration }
	results := map[string]*figures{}
	modes := []struct {
		name  string
		topic func(m member) string
	}{
		{"wildcard", func(member) string { return "cedula_info/*" }},
		{"by-id", func(m member) string { return "cedula_info/" + m.info }},
	}
	for _, mode := range modes {
		b.Run(mode.name, func(b *testing.B) {
			target := members[0]
			delivered := make(chan struct{}, 1)
			marker := `"id":"` + target.info + `"`
			var stops []func()
			for i, m := range members {
				var seen func(string)
				if i == 0 {
					seen = func(line string) {
						if strings.HasPrefix(line, "data:") && strings.Contains(line, marker) {
							delivered <- struct{}{}
						}
					}
				}
				stops = append(stops, watch(b, env.url, fmt.Sprintf("member%d", i), m.token, seen, mode.topic(m)))
			}
			defer func() {
				for _, stop := range stops {
					stop()
				}
			}()
			rec, err := env.app.FindRecordById("cedula_info", target.info)
			if err != nil {
				b.Fatal(err)
			}
			f := &figures{}
			results[mode.name] = f
			b.ResetTimer()
			for i := range b.N {
				rec.Set("mesa", fmt.Sprint(i%30))
				rec.Set("error_message", fmt.Sprint("bench ", i)) // always a change
				start := time.Now()
				if err := env.app.Save(rec); err != nil {
					b.Fatal(err)
				}
				f.save = append(f.save, time.Since(start))
				select {
				case <-delivered:
					f.delivery = append(f.delivery, time.Since(start))
				case <-time.After(30 * time.Second):
					b.Fatalf("save %d never reached its owner", i)
				}
			}
			b.StopTimer()
			percentiles(b, "fanout "+mode.name+" save", f.save)
			percentiles(b, "fanout "+mode.name+" delivery", f.delivery)
		})
	}

	benchMu.Lock()
	defer benchMu.Unlock()
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(w, "\none cedula_info save, %d members subscribed over SSE\t p50\t p95\t max\t\n", fanoutSubscribers)
	for _, mode := range modes {
		for _, what := range []string{"save", "delivery"} {
			f := benchFigures["fanout "+mode.name+" "+what]
			fmt.Fprintf(w, "%s (%s)\t %s\t %s\t %s\t\n", what, mode.name, ms(f[0]), ms(f[1]), ms(f[2]))
		}
	}
	w.Flush()
}
