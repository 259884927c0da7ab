package routes_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"testing"
	"text/tabwriter"
	"time"

	"github.com/padron/padron/apptest"
	"github.com/padron/padron/config"
	"github.com/padron/padron/demo"
	"github.com/padron/padron/server"
)

// wholeNetPeople is the campaign BenchmarkWholeNetwork builds.
const wholeNetPeople = 20_000

// BenchmarkWholeNetwork measures what /referidos's "Toda la red" costs the
// root coordinator of a 20,000-person demo campaign before its first rows
// show, over real loopback HTTP: before, every users and cedula_info
// record the rules show them, in getFullList's batches of 1,000 (the two
// lists one after the other, as the server answers them on 2 cores); now,
// the first page of 100 from the subtree endpoint (census records and
// referrers expanded) with the subtree's stats for the tabs. Run:
//
//	go test ./routes -run '^$' -bench WholeNetwork -benchtime 1x
func BenchmarkWholeNetwork(b *testing.B) {
	base, root, token := demoRootServer(b)

	get := func(path string) (int, []byte) {
		req, _ := http.NewRequest(http.MethodGet, base+path, nil)
		req.Header.Set("Authorization", token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		defer res.Body.Close()
		body, err := io.ReadAll(res.Body)
		if err != nil || res.StatusCode != http.StatusOK {
			b.Fatalf("GET %s: %d %v %.300s", path, res.StatusCode, err, body)
		}
		return len(body), body
	}
	// fullList is the JS SDK's getFullList: pages of batch until one is short.
	fullList := func(collection, filter, sort string) (bytes, items int) {
		for page := 1; ; page++ {
			q := url.Values{"page": {fmt.Sprint(page)}, "perPage": {"1000"}, "skipTotal": {"1"}, "filter": {filter}}
			if sort != "" {
				q.Set("sort", sort)
			}
			n, body := get("/api/collections/" + collection + "/records?" + q.Encode())
			bytes += n
			got := countItems(b, body)
			items += got
			if got < 1000 {
				return bytes, items
			}
		}
	}
	type way struct {
		name string
		load func() (bytes, items int)
	}
	ways := []way{
		{"before: getFullList users + cedula_info", func() (int, int) {
			ub, ui := fullList("users", "id != '"+root+"'", "-created")
			ib, _ := fullList("cedula_info", "user != '"+root+"'", "")
			return ub + ib, ui
		}},
	}
	for _, sort := range []string{"status", "-created", "name"} {
		ways = append(ways, way{"now: subtree page of 100 (sort=" + sort + ") + stats", func() (int, int) {
			n, body := get("/api/red/nodes/me/subtree?perPage=100&sort=" + sort + "&expand=referred_by,cedula_info_via_user")
			s, _ := get("/api/red/nodes/me/stats")
			return n + s, countItems(b, body)
		}})
	}
	ways = append(ways, way{"now: a search (q=mar, sort=status)", func() (int, int) {
		n, body := get("/api/red/nodes/me/subtree?perPage=100&sort=status&q=mar&expand=referred_by,cedula_info_via_user")
		return n, countItems(b, body)
	}})
	const samples = 3
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "\nroot coordinator, %d people below\tp50\tmax\tbytes\trows\n", wholeNetPeople-1)
	for _, w := range ways {
		var durs []time.Duration
		var bytes, rows int
		for range max(samples, b.N) {
			t := time.Now()
			bytes, rows = w.load()
			durs = append(durs, time.Since(t))
		}
		slices.Sort(durs)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\n", w.name, ms(durs[len(durs)/2]), ms(durs[len(durs)-1]), bytes, rows)
	}
	tw.Flush()
}

func countItems(b *testing.B, body []byte) int {
	var page struct{ Items []struct{} }
	if err := json.Unmarshal(body, &page); err != nil {
		b.Fatalf("page: %v", err)
	}
	return len(page.Items)
}

// demoRootServer serves a 20,000-person demo campaign (wholeNetPeople) on
// loopback HTTP with the server's wiring and no worker, and gives its URL,
// the root coordinator's id and their token, for the "Toda la red"
// benchmarks.
func demoRootServer(b *testing.B) (base, root, token string) {
	b.Helper()
	camp, err := demo.Generate(demo.Options{People: wholeNetPeople})
	if err != nil {
		b.Fatal(err)
	}
	app := apptest.NewBareApp(b)
	b.Cleanup(app.Cleanup)
	if _, err := server.Build(app, config.Default(), server.WithoutWorker()); err != nil {
		b.Fatal(err)
	}
	app.Settings().RateLimits.Enabled = false
	start := time.Now()
	if err := demo.Seed(app, camp); err != nil {
		b.Fatal(err)
	}
	b.Logf("seeded %d people in %s", len(camp.People), time.Since(start).Round(time.Millisecond))
	root = camp.People[camp.Coordinator].ID
	rec, err := app.FindRecordById("users", root)
	if err != nil {
		b.Fatal(err)
	}
	if token, err = rec.NewAuthToken(); err != nil {
		b.Fatal(err)
	}
	return apptest.Serve(b, app).URL, root, token
}
