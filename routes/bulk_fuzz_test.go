package routes_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/padron/padron/apptest"
)

// bulkAcceptable is the fuzz oracle's own statement of the bulk body: one
// JSON object, keys exactly "ids" (1 to 500 strings) and optionally "all"
// (true or false), nothing after it.
func bulkAcceptable(body string) bool {
	dec := json.NewDecoder(strings.NewReader(body))
	var m map[string]any
	if err := dec.Decode(&m); err != nil || m == nil {
		return false
	}
	if _, err := dec.Token(); err != io.EOF {
		return false
	}
	for k, v := range m {
		switch k {
		case "ids":
			ids, ok := v.([]any)
			if !ok || len(ids) == 0 || len(ids) > 500 {
				return false
			}
			for _, id := range ids {
				if _, ok := id.(string); !ok {
					return false
				}
			}
		case "all":
			if _, ok := v.(bool); !ok {
				return false
			}
		default:
			return false
		}
	}
	_, hasIDs := m["ids"]
	return hasIDs
}

// FuzzBulkRefresh posts any body to the bulk refresh as LeaderA. Never a
// 5xx, never a 200 for a body outside the documented shape, never a
// record touched that is not LeaderA's or their referidos', and never a
// record created or lost.
func FuzzBulkRefresh(f *testing.F) {
	c := apptest.Seeded(f)
	app := setup(f, nil)
	f.Cleanup(app.Cleanup)
	settings := app.Settings()
	settings.RateLimits.Enabled = false
	if err := app.Save(settings); err != nil {
		f.Fatal(err)
	}
	url := apptest.Serve(f, app).URL + "/api/census/bulk-refresh"
	client := &http.Client{Timeout: 15 * time.Second}
	// Others' records in a state a refresh would change.
	others := []string{c.MemberB.ID, c.LeaderB.ID, c.Loner.ID}
	for _, id := range others {
		setInfo(f, app, id, "error", old)
	}
	users := func() int {
		n, err := app.CountRecords("users")
		if err != nil {
			f.Fatal(err)
		}
		m, err := app.CountRecords("cedula_info")
		if err != nil {
			f.Fatal(err)
		}
		if n != m {
			f.Fatalf("%d users, %d cedula_info", n, m)
		}
		return int(n)
	}
	before := users()

	for _, seed := range []string{
		`{"ids":["` + c.MemberA.ID + `"],"all":true}`,
		`{"ids":["` + c.MemberA.ID + `","` + c.MemberB.ID + `","` + c.Loner.ID + `"]}`,
		`{"ids":[null]}`, `{"IDS":["` + c.MemberB.ID + `"]}`, `{"ids":null}`, `{"ids":["x"],"all":null}`,
		`{"ids":["x"],"all":"true"}`, `{"ids":[{"$ne":""}]}`, `{"ids":[1]}`, `{"ids":"` + c.MemberB.ID + `"}`,
		`null`, `[]`, `{}`, `{"ids":[]}`, `{"ids":["a"]} x`, `{"ids":["a"],"ids":[1]}`,
		`{"ids":["` + strings.Repeat("x", 300) + `"]}`, ``,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body string) {
		req, err := http.NewRequest(http.MethodPost, url, bytes.NewBufferString(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", c.LeaderA.Token)
		req.Header.Set("Content-Type", "application/json")
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		out, _ := io.ReadAll(res.Body)
		res.Body.Close()
		switch {
		case res.StatusCode >= 500:
			t.Fatalf("answered %d: %s", res.StatusCode, out)
		case res.StatusCode == http.StatusOK && !bulkAcceptable(body):
			t.Fatalf("accepted a body outside the documented shape: %q", body)
		case res.StatusCode == http.StatusBadRequest && bulkAcceptable(body):
			t.Fatalf("refused a documented body %q: %s", body, out)
		}
		for _, id := range others {
			if got := status(t, app, id); got != "error" {
				t.Fatalf("%s's record is now %q: a leader queued someone else's check", id, got)
			}
		}
		if n := users(); n != before {
			t.Fatalf("users went from %d to %d", before, n)
		}
	})
}
