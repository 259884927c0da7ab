package routes_test

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"text/tabwriter"
	"time"
)

// BenchmarkReferidosFeed measures one rename of a referido (a users save)
// with 1,000 members and their leader subscribed to "referidos/*" over
// real SSE. Under the shipped rule (schema.ReferidosRule) the feed knows
// the row's one reader from the row itself, so the save pays no rule query
// per subscriber (an edited rule would: see liveAccess); delivery is until
// the leader has the row. Run:
//
//	go test ./routes -run '^$' -bench ReferidosFeed -benchtime 100x
func BenchmarkReferidosFeed(b *testing.B) {
	env := newBenchEnv(b)
	target := env.ids[len(env.ids)-1] // a referido of the leader, not subscribed
	delivered := make(chan struct{}, 1)
	marker := `"id":"` + target + `"`
	stops := []func(){watch(b, env.url, "leader", env.leader.Token, func(line string) {
		if strings.HasPrefix(line, "data:") && strings.Contains(line, marker) {
			delivered <- struct{}{}
		}
	}, "referidos/*")}
	for i, id := range env.ids[:fanoutSubscribers] {
		u, err := env.app.FindRecordById("users", id)
		if err != nil {
			b.Fatal(err)
		}
		tok, err := u.NewAuthToken()
		if err != nil {
			b.Fatal(err)
		}
		stops = append(stops, watch(b, env.url, fmt.Sprintf("member%d", i), tok, nil, "referidos/*"))
	}
	defer func() {
		for _, stop := range stops {
			stop()
		}
	}()
	rec, err := env.app.FindRecordById("users", target)
	if err != nil {
		b.Fatal(err)
	}
	var save, delivery []time.Duration
	b.ResetTimer()
	for i := range b.N {
		rec.Set("name", fmt.Sprintf("Referido Renombrado %c", 'a'+i%26)+strings.Repeat("x", i%7))
		start := time.Now()
		if err := env.app.Save(rec); err != nil {
			b.Fatal(err)
		}
		save = append(save, time.Since(start))
		select {
		case <-delivered:
			delivery = append(delivery, time.Since(start))
		case <-time.After(30 * time.Second):
			b.Fatalf("rename %d never reached the leader", i)
		}
	}
	b.StopTimer()
	percentiles(b, "referidos feed save", save)
	percentiles(b, "referidos feed delivery", delivery)

	benchMu.Lock()
	defer benchMu.Unlock()
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(w, "\none referido renamed, %d members and their leader on referidos/* over SSE\t p50\t p95\t max\t\n", fanoutSubscribers)
	for _, what := range []string{"save", "delivery"} {
		f := benchFigures["referidos feed "+what]
		fmt.Fprintf(w, "%s\t %s\t %s\t %s\t\n", what, ms(f[0]), ms(f[1]), ms(f[2]))
	}
	w.Flush()
}
