package routes_test

import (
	"encoding/json"
	"io"
	"net/http"
	"testing"
)

// BenchmarkSubtreeSearch measures a search of "Toda la red" (GET
// /api/red/nodes/me/subtree?q=) by the root coordinator of a 20,000-person
// demo campaign over loopback HTTP: a part of a name in each of the list's
// orders, a name that matches no one, one that matches most, and digits
// of a cédula; the plain page (no search) as the floor. Run:
//
//	go test ./routes -run '^$' -bench SubtreeSearch -benchtime 10x
func BenchmarkSubtreeSearch(b *testing.B) {
	base, _, token := demoRootServer(b)
	for _, c := range []struct{ name, query string }{
		{"no search (the plain page)", "sort=-created"},
		{"no search, by name", "sort=name"},
		{"name newest first", "q=mar"},
		{"name by urgency", "q=mar&sort=status"},
		{"name by name", "q=mar&sort=name"},
		{"name by cedula", "q=mar&sort=cedula"},
		{"no match", "q=zzzz"},
		{"accented", "q=ñ"},
		{"accented by name", "q=ñ&sort=name"},
		{"cedula digits", "q=123"},
	} {
		b.Run(c.name, func(b *testing.B) {
			var rows, matches int
			for b.Loop() {
				req, _ := http.NewRequest(http.MethodGet, base+"/api/red/nodes/me/subtree?perPage=100&expand=referred_by,cedula_info_via_user&"+c.query, nil)
				req.Header.Set("Authorization", token)
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				body, err := io.ReadAll(res.Body)
				res.Body.Close()
				if err != nil || res.StatusCode != http.StatusOK {
					b.Fatalf("%s: %d %v %.300s", c.query, res.StatusCode, err, body)
				}
				rows = countItems(b, body)
				var page struct{ TotalItems int }
				if err := json.Unmarshal(body, &page); err != nil {
					b.Fatal(err)
				}
				matches = page.TotalItems
			}
			b.ReportMetric(float64(rows), "rows")
			b.ReportMetric(float64(matches), "matches")
		})
	}
}
