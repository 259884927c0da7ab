package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// runAPI times a leader's referidos screens and a bulk refresh of 500, one
// request at a time, samples times each (the bulk refresh once per batch
// of 500 distinct referidos: a refreshed record is in flight after).
func runAPI(ctx context.Context, c *client, l leader, samples int) (Section, error) {
	n := len(l.referidos)
	sec := Section{Name: SectionAPI, Setup: fmt.Sprintf("a leader with %d referidos, one request at a time", n)}
	listURL := "/api/collections/users/records?" + url.Values{
		"filter": {"referred_by='" + l.id + "'"}, "sort": {"-created"}, "page": {"1"},
		"perPage": {"50"}, "skipTotal": {"1"}, "expand": {"cedula_info_via_user"},
	}.Encode()

	type endpoint struct {
		name, method, path string
		check              func([]byte) error
	}
	endpoints := []endpoint{
		{"referidos list (50, expanded)", http.MethodGet, listURL, func(b []byte) error {
			var page struct {
				Items []struct {
					Expand map[string]any `json:"expand"`
				} `json:"items"`
			}
			if json.Unmarshal(b, &page) != nil || len(page.Items) != min(50, n) || page.Items[0].Expand["cedula_info_via_user"] == nil {
				return fmt.Errorf("list page: %.200s", b)
			}
			return nil
		}},
		{"stats", http.MethodGet, "/api/referidos/stats", func(b []byte) error {
			if !strings.Contains(string(b), fmt.Sprintf(`"total":%d`, n)) {
				return fmt.Errorf("stats: %.200s", b)
			}
			return nil
		}},
		{fmt.Sprintf("CSV export (%d rows)", n), http.MethodGet, "/api/referidos/export.csv", func(b []byte) error {
			if lines := strings.Count(string(b), "\n"); lines < n+1 {
				return fmt.Errorf("export has %d lines, want %d", lines, n+1)
			}
			return nil
		}},
	}
	for _, ep := range endpoints {
		durs := make([]time.Duration, 0, samples)
		for range samples {
			d, body, err := c.do(ctx, ep.method, ep.path, l.token, nil, http.StatusOK, nil)
			if err != nil {
				return sec, err
			}
			if err := ep.check(body); err != nil {
				return sec, err
			}
			durs = append(durs, d)
		}
		sec.addMs(ep.name+" p50", percentile(durs, 0.50), "")
		sec.addMs(ep.name+" p95", percentile(durs, 0.95), fmt.Sprintf("n=%d", samples))
	}

	const batch = 500
	var durs []time.Duration
	for i := 0; i+batch <= n; i += batch {
		ids := make([]string, batch)
		for j := range ids {
			ids[j] = l.referidos[i+j].id
		}
		var out struct{ Queued int }
		d, _, err := c.do(ctx, http.MethodPost, "/api/census/bulk-refresh", l.token, map[string]any{"ids": ids, "all": true}, http.StatusOK, &out)
		if err != nil {
			return sec, err
		}
		if out.Queued != batch {
			return sec, fmt.Errorf("bulk refresh queued %d of %d", out.Queued, batch)
		}
		durs = append(durs, d)
	}
	if len(durs) > 0 {
		sec.addMs("bulk refresh of 500 p50", percentile(durs, 0.50), "")
		sec.addMs("bulk refresh of 500 p95", percentile(durs, 0.95), fmt.Sprintf("n=%d (each batch once: refreshed records are in flight)", len(durs)))
	}
	return sec, nil
}
