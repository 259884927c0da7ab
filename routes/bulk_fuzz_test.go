package routes_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/http/httpguts"

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

// FuzzBulkRefresh posts any body with any content type (multipart
// included: the endpoint reads JSON whatever the header says) to the bulk
// refresh as LeaderA. Never a 5xx, never a 200 for a body outside the documented shape, never a
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
		`{"ids":["` + strings.Repeat(c.MemberA.ID+`","`, 600) + `x"]}`, // over 500 ids, under 64 KiB
		`{"ids":["` + strings.Repeat("x", 70_000) + `"]}`,              // over 64 KiB
		`{"ids":["\ud800","\u0000","𝕏","` + c.MemberA.ID + `\u200b"]}`, `{"ids":["x"],"all":1e400}`,
		"\xef\xbb\xbf" + `{"ids":["` + c.MemberA.ID + `"]}`, "\xff\xfe{\x00}",
	} {
		f.Add(seed, "application/json")
	}
	// Multipart and other content types: the body is JSON or nothing.
	form := "--b\r\nContent-Disposition: form-data; name=\"ids\"\r\n\r\n" + c.MemberA.ID + "\r\n--b--\r\n"
	f.Add(form, "multipart/form-data; boundary=b")
	f.Add(`{"ids":["`+c.MemberA.ID+`"]}`, "multipart/form-data; boundary=b")
	f.Add("ids="+c.MemberA.ID, "application/x-www-form-urlencoded")
	f.Add(`{"ids":["`+c.MemberA.ID+`"]}`, "text/plain; charset=utf-16")
	f.Add(`{"ids":["`+c.MemberA.ID+`"]}`, "")
	f.Fuzz(func(t *testing.T, body, contentType string) {
		if !httpguts.ValidHeaderFieldValue(contentType) {
			return // no client can send it
		}
		req, err := http.NewRequest(http.MethodPost, url, bytes.NewBufferString(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", c.LeaderA.Token)
		req.Header.Set("Content-Type", contentType)
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
		case res.StatusCode == http.StatusBadRequest && bulkAcceptable(body) && len(body) <= 64<<10:
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

// FuzzRefresh posts any body with any content type to the single refresh,
// for any user id (or junk in its place) and as anyone: nobody, MemberA,
// LeaderA or a superuser. Never a 5xx; a check is queued (202) only for a
// caller allowed to ask for it, and no one else's record changes; never a
// record created or lost.
func FuzzRefresh(f *testing.F) {
	c := apptest.Seeded(f)
	app := setup(f, nil)
	f.Cleanup(app.Cleanup)
	settings := app.Settings()
	settings.RateLimits.Enabled = false
	if err := app.Save(settings); err != nil {
		f.Fatal(err)
	}
	base := apptest.Serve(f, app).URL + "/api/census/refresh"
	client := &http.Client{Timeout: 15 * time.Second}
	everyone := []apptest.Person{c.LeaderA, c.LeaderB, c.MemberA, c.MemberB, c.Loner}
	for _, p := range everyone {
		setInfo(f, app, p.ID, "error", old)
	}
	callers := []apptest.Person{{}, c.MemberA, c.LeaderA, c.Superuser}
	// may says whether caller may queue target's check.
	may := func(caller apptest.Person, target string) bool {
		switch caller.ID {
		case "":
			return false
		case c.Superuser.ID:
			return true
		case c.LeaderA.ID:
			return target == c.LeaderA.ID || target == c.MemberA.ID
		}
		return target == caller.ID
	}
	counts := func(t testing.TB) (int64, int64) {
		n, err := app.CountRecords("users")
		if err != nil {
			t.Fatal(err)
		}
		m, err := app.CountRecords("cedula_info")
		if err != nil {
			t.Fatal(err)
		}
		return n, m
	}
	users, infos := counts(f)

	for _, seed := range []struct {
		who               uint8
		path, body, ctype string
	}{
		{1, "", "", ""},
		{2, "/" + c.MemberA.ID, "", ""},
		{2, "/" + c.MemberB.ID, `{"user":"` + c.MemberB.ID + `"}`, "application/json"},
		{1, "/" + c.LeaderA.ID, "", ""},
		{0, "/" + c.MemberA.ID, "", ""},
		{3, "/" + c.Loner.ID, "", ""},
		{3, "", "", ""},
		{2, "/" + c.MemberA.ID + "%00", "", ""},
		{2, "/" + c.MemberA.ID + "/../" + c.MemberB.ID, "", ""},
		{2, "/%2e%2e%2f" + c.MemberB.ID, "", ""},
		{2, "/" + strings.Repeat("x", 5000), "", ""},
		{2, "/ñ😀\u202e", "", ""},
		{1, "", strings.Repeat("{", 2000), "application/json"},
		{1, "", "--b\r\nContent-Disposition: form-data; name=\"userId\"\r\n\r\n" + c.MemberB.ID + "\r\n--b--\r\n", "multipart/form-data; boundary=b"},
		{1, "", "--b\r\n" + strings.Repeat("x", 2000), "multipart/form-data; boundary=b"},
		{2, "/" + c.MemberB.ID, "userId=" + c.MemberA.ID, "application/x-www-form-urlencoded"},
		{1, "?userId=" + c.MemberB.ID, "", ""},
	} {
		f.Add(seed.who, seed.path, seed.body, seed.ctype)
	}
	f.Fuzz(func(t *testing.T, who uint8, path, body, contentType string) {
		if !httpguts.ValidHeaderFieldValue(contentType) {
			return // no client can send it
		}
		caller := callers[int(who)%len(callers)]
		req, err := http.NewRequest(http.MethodPost, base+path, strings.NewReader(body))
		if err != nil {
			return // not a URL a client can send
		}
		req.Header.Set("Content-Type", contentType)
		if caller.Token != "" {
			req.Header.Set("Authorization", caller.Token)
		}
		before := map[string]string{}
		for _, p := range everyone {
			before[p.ID] = status(t, app, p.ID)
		}
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		out, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode >= 500 {
			t.Fatalf("answered %d: %s", res.StatusCode, out)
		}
		queued := ""
		if res.StatusCode == http.StatusAccepted {
			var a struct{ User string }
			if err := json.Unmarshal(out, &a); err != nil {
				t.Fatalf("202 without a body: %s", out)
			}
			queued = a.User
			if !may(caller, queued) {
				t.Fatalf("%q queued %q's check: %s", caller.Name, queued, out)
			}
		}
		for _, p := range everyone {
			got := status(t, app, p.ID)
			if got != before[p.ID] && p.ID != queued {
				t.Fatalf("%s's record went from %s to %s on a %d", p.Name, before[p.ID], got, res.StatusCode)
			}
			if got != "pending" {
				continue
			}
			setInfo(t, app, p.ID, "error", old) // ready for the next input
		}
		if n, m := counts(t); n != users || m != infos {
			t.Fatalf("users %d → %d, cedula_info %d → %d", users, n, infos, m)
		}
	})
}
