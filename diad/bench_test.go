package diad_test

import (
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/padron/padron/apptest"
)

// BenchmarkMarkCreate posts "ya votó" marks over HTTP on loopback, each one
// request through the rules, the open-hours hook and the transaction (after
// the first, each is kept as a duplicate: the same path plus one lookup).
// It reports the p50 and p95 of one request.
func BenchmarkMarkCreate(b *testing.B) {
	c := apptest.Seeded(b)
	app, _ := newApp(b, cot(10, 0))
	defer app.Cleanup()
	srv := apptest.Serve(b, app)
	body := markBody("", c.MemberA.ID, c.LeaderA.ID, "leader", cot(10, 0))
	var lat []time.Duration
	for b.Loop() {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+marksURL, strings.NewReader(body))
		req.Header.Set("Authorization", c.LeaderA.Token)
		req.Header.Set("Content-Type", "application/json")
		start := time.Now()
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		res.Body.Close()
		lat = append(lat, time.Since(start))
		if res.StatusCode != 200 {
			b.Fatalf("status %d", res.StatusCode)
		}
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*95/100].Microseconds())/1000, "p95-ms")
}
