package hooks_test

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/padron/padron/apptest"
	"github.com/padron/padron/schema"
)

// fuzzServer is a seeded app with Padrón's hooks and routes on a real
// loopback server, shared by every input of one fuzz target. The rate
// limiter is off: with it the fuzzer would meet nothing but 429s.
func fuzzServer(f *testing.F) (*tests.TestApp, string) {
	f.Helper()
	app := apptest.NewApp(f)
	f.Cleanup(app.Cleanup)
	settings := app.Settings()
	settings.RateLimits.Enabled = false
	if err := app.Save(settings); err != nil {
		f.Fatal(err)
	}
	return app, apptest.Serve(f, app).URL
}

// fuzzClient turns a request that never gets an answer into a failure with
// its input saved, rather than a fuzzer that stops making progress.
var fuzzClient = &http.Client{Timeout: 15 * time.Second}

// fields is a request body as ordered key/fragment pairs: a raw JSON
// fragment in a JSON body, the text itself in a form. An empty fragment
// leaves the key out.
type fields [][2]string

// post sends fs as JSON or as a multipart form and fails the test on a 5xx.
func (fs fields) post(t *testing.T, url string, form bool) (int, []byte) {
	t.Helper()
	var body bytes.Buffer
	contentType := "application/json"
	if form {
		mw := multipart.NewWriter(&body)
		for _, kv := range fs {
			if kv[1] != "" {
				if err := mw.WriteField(kv[0], kv[1]); err != nil {
					t.Fatal(err)
				}
			}
		}
		if err := mw.Close(); err != nil {
			t.Fatal(err)
		}
		contentType = mw.FormDataContentType()
	} else {
		body.WriteString(jsonOf(fs))
	}
	res, err := fuzzClient.Post(url, contentType, &body)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	out, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode >= 500 {
		t.Fatalf("answered %d: %s", res.StatusCode, out)
	}
	return res.StatusCode, out
}

// checkRecords fails unless every user has exactly one cedula_info and
// every cedula_info a user, and no two users share a cédula or an email in
// any letter case.
func checkRecords(t *testing.T, app core.App) (users int) {
	t.Helper()
	count := func(query string) int {
		var n int
		if err := app.DB().NewQuery(query).Row(&n); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		return n
	}
	for what, query := range map[string]string{
		"users without cedula_info":     `SELECT count(*) FROM users u WHERE NOT EXISTS (SELECT 1 FROM cedula_info c WHERE c.user = u.id)`,
		"cedula_info without a user":    `SELECT count(*) FROM cedula_info c WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = c.user)`,
		"users with two cedula_info":    `SELECT count(*) FROM (SELECT 1 FROM cedula_info GROUP BY user HAVING count(*) > 1)`,
		"cédulas held twice":            `SELECT count(*) FROM (SELECT 1 FROM users GROUP BY cedula HAVING count(*) > 1)`,
		"emails held twice in any case": `SELECT count(*) FROM (SELECT 1 FROM users WHERE email != '' GROUP BY lower(email) HAVING count(*) > 1)`,
	} {
		if n := count(query); n != 0 {
			t.Fatalf("%d %s", n, what)
		}
	}
	return count(`SELECT count(*) FROM users`)
}

var (
	storedCedula = regexp.MustCompile(`^[1-9][0-9]{2,9}$`)
	storedPhone  = regexp.MustCompile(`^3[0-9]{9}$`)
)

// registrantTypes are the keys a registrant may send and the JSON type of
// each; the fuzz oracle's own statement of the contract.
var registrantTypes = map[string]string{
	"name": "string", "cedula": "string", "phone": "string", "email": "string",
	"password": "string", "passwordConfirm": "string", "ref": "string",
	"referral_goal": "number", "data_policy_accepted": "bool",
}

// setsUsersField reports whether key names a users field, bare or with a
// PocketBase modifier (+key, key+, key-, key:modifier).
func setsUsersField(col *core.Collection, key string) bool {
	k := strings.TrimSuffix(strings.TrimSuffix(strings.TrimPrefix(key, "+"), "+"), "-")
	if i := strings.IndexByte(k, ':'); i >= 0 {
		k = k[:i]
	}
	return col.Fields.GetByName(k) != nil || col.Fields.GetByName(key) != nil
}

// jsonAcceptable is the oracle for a JSON registration: the body must be an
// object, each allowed key of its type, no other users field, the policy
// accepted.
func jsonAcceptable(col *core.Collection, fs fields) bool {
	var body map[string]any
	if err := json.Unmarshal([]byte(jsonOf(fs)), &body); err != nil || body == nil {
		return false
	}
	for k, v := range body {
		want, ok := registrantTypes[k]
		if !ok {
			if setsUsersField(col, k) {
				return false
			}
			continue
		}
		var got string
		switch v.(type) {
		case string:
			got = "string"
		case float64:
			got = "number"
		case bool:
			got = "bool"
		}
		if got != want {
			return false
		}
	}
	return body["data_policy_accepted"] == true
}

func jsonOf(fs fields) string {
	var b strings.Builder
	b.WriteString("{")
	n := 0
	for _, kv := range fs {
		if kv[1] == "" {
			continue
		}
		if n > 0 {
			b.WriteString(",")
		}
		n++
		key, _ := json.Marshal(kv[0])
		b.Write(key)
		b.WriteString(":" + kv[1])
	}
	b.WriteString("}")
	return b.String()
}

// FuzzRegistration posts registrations with any value of any type, as JSON
// or as a form. Never a 5xx; never a user without its cedula_info (or the
// reverse), a shared cédula or email; a JSON body with a wrong type or a
// server-owned field never registers; and whoever registers is stored
// normalised, with the referrer their ref named.
func FuzzRegistration(f *testing.F) {
	app, base := fuzzServer(f)
	url := base + "/api/collections/users/records"
	users, err := app.FindCollectionByNameOrId("users")
	if err != nil {
		f.Fatal(err)
	}
	type seed struct {
		form                                                                bool
		name, cedula, phone, email, password, goal, policy, ref, key, value string
	}
	ok := seed{false, `"María José Pérez"`, `"1.102.812.122"`, `"+57 300 123 4567"`, ``, `"clave-segura-123"`, ``, `true`, ``, ``, ``}
	with := func(s seed, edit func(*seed)) seed { edit(&s); return s }
	seeds := []seed{
		ok,
		with(ok, func(s *seed) {
			s.cedula, s.email, s.ref, s.goal = `"1102812123"`, `"a@example.com"`, `"LEADAAAA"`, `25`
		}),
		with(ok, func(s *seed) { s.cedula, s.email = `"1102812124"`, `"A@Example.com"` }),
		with(ok, func(s *seed) { s.cedula, s.goal = `"1102812125"`, `"abc"` }),
		with(ok, func(s *seed) { s.cedula, s.goal = `"1102812125"`, `null` }),
		with(ok, func(s *seed) { s.cedula, s.goal = `"1102812125"`, `[5]` }),
		with(ok, func(s *seed) { s.cedula, s.goal = `"1102812125"`, `{}` }),
		with(ok, func(s *seed) { s.cedula, s.goal = `"1102812125"`, `true` }),
		with(ok, func(s *seed) { s.cedula, s.ref = `"1102812125"`, `["x"]` }),
		with(ok, func(s *seed) { s.cedula, s.ref = `"1102812125"`, `{"$ne":""}` }),
		with(ok, func(s *seed) { s.cedula, s.email = `"1102812125"`, `["a@b.co"]` }),
		with(ok, func(s *seed) { s.cedula, s.name = `"1102812125"`, `true` }),
		with(ok, func(s *seed) { s.cedula = `1102812125` }),
		with(ok, func(s *seed) { s.cedula, s.policy = `"1102812125"`, `"true"` }),
		with(ok, func(s *seed) { s.cedula, s.password = `"1102812125"`, `12345678` }),
		with(ok, func(s *seed) { s.cedula, s.key, s.value = `"1102812125"`, "id", `"adversaryid0001"` }),
		with(ok, func(s *seed) { s.cedula, s.key, s.value = `"1102812125"`, "emailVisibility", `true` }),
		with(ok, func(s *seed) { s.cedula, s.key, s.value = `"1102812125"`, "referral_goal+", `5` }),
		with(ok, func(s *seed) { s.cedula, s.key, s.value = `"1102812125"`, "role", `"leader"` }),
		with(ok, func(s *seed) { s.cedula, s.name = `"1102812125"`, `"\u3164\u3164\u3164"` }),
		with(ok, func(s *seed) { s.cedula, s.name = `"1102812125"`, `"Аna Pérez"` }),
		with(ok, func(s *seed) { s.cedula = `"-1102812125"` }),
		with(ok, func(s *seed) { s.cedula = `"1102812125."` }),
		with(ok, func(s *seed) { s.cedula, s.phone = `"10000001"`, `"1"` }),
		// Huge values.
		with(ok, func(s *seed) { s.cedula, s.name = `"1102812128"`, `"`+strings.Repeat("Á", 100_000)+`"` }),
		with(ok, func(s *seed) { s.cedula = `"` + strings.Repeat("1", 5_000) + `"` }),
		with(ok, func(s *seed) { s.cedula, s.phone = `"1102812128"`, `"`+strings.Repeat("3", 10_000)+`"` }),
		with(ok, func(s *seed) { s.cedula, s.password = `"1102812128"`, `"`+strings.Repeat("x", 100_000)+`"` }),
		with(ok, func(s *seed) { s.cedula, s.goal = `"1102812128"`, `1e400` }),
		with(ok, func(s *seed) { s.cedula, s.goal = `"1102812128"`, `9007199254740993` }),
		with(ok, func(s *seed) { s.cedula, s.goal = `"1102812128"`, `-0` }),
		with(ok, func(s *seed) { s.cedula, s.goal = `"1102812128"`, `1e30` }),
		with(ok, func(s *seed) { s.cedula, s.ref = `"1102812128"`, `"`+strings.Repeat("LEADAAAA", 10_000)+`"` }),
		// Odd Unicode.
		with(ok, func(s *seed) { s.cedula, s.name = `"1102812129"`, `"Ana\u200dPérez"` }),
		with(ok, func(s *seed) { s.cedula, s.name = `"1102812130"`, `"A\u0301na Pe\u0301rez"` }),
		with(ok, func(s *seed) { s.cedula, s.name = `"1102812131"`, `"Ana 😀 Pérez"` }),
		with(ok, func(s *seed) { s.cedula, s.name = `"1102812132"`, `"\ud800Ana Pérez"` }),
		with(ok, func(s *seed) { s.cedula, s.name = `"1102812133"`, `"Ana\u202ePérez"` }),
		with(ok, func(s *seed) { s.cedula, s.name = `"1102812134"`, `"Ana\u0000Pérez"` }),
		with(ok, func(s *seed) { s.cedula = `"１１０２８１２１３５"` }), // full-width digits
		with(ok, func(s *seed) { s.cedula = `"١١٠٢٨١٢١٣٦"` }), // Arabic-Indic digits
		with(ok, func(s *seed) { s.cedula, s.phone = `"1102812137"`, `"３００１２３４５６７"` }),
		with(ok, func(s *seed) { s.cedula, s.email = `"1102812138"`, `"ä@exämple.com"` }),
		with(ok, func(s *seed) { s.cedula, s.email = `"1102812139"`, `"a@b.co\u0000"` }),
		{true, "Ana Forma", "1102812126", "3001234567", "", "clave-segura-123", "7", "true", "LEADBBBB", "", ""},
		{true, "Ana Forma", "1102812127", "3001234567", "", "clave-segura-123", "abc", "true", "", "", ""},
		{true, "Ana Forma", "1102812127", "3001234567", "", "clave-segura-123", "", "true", "", "@jsonPayload", `{"ref":{"$ne":""},"referral_goal":"9"}`},
		{true, "Ana Forma", "1102812127", "3001234567", "", "clave-segura-123", "", "on", "", "", ""},
		{true, strings.Repeat("Ana Forma ", 20_000), "1102812140", "3001234567", "", "clave-segura-123", "", "true", "", "", ""},
		{true, "Ana\u0000Forma", "1102812141", "3001234567", "", "clave-segura-123", "1e400", "true", "", "", ""},
		{true, "Ana Forma", "１１０２８１２１４２", "3001234567", "", "clave-segura-123", "", "true", "", "", ""},
	}
	for _, s := range seeds {
		f.Add(s.form, s.name, s.cedula, s.phone, s.email, s.password, s.goal, s.policy, s.ref, s.key, s.value)
	}

	f.Fuzz(func(t *testing.T, form bool, name, cedula, phone, email, password, goal, policy, ref, key, value string) {
		fs := fields{
			{"name", name}, {"cedula", cedula}, {"phone", phone}, {"email", email},
			{"password", password}, {"passwordConfirm", password}, {"referral_goal", goal},
			{"data_policy_accepted", policy}, {"ref", ref}, {key, value},
		}
		before := checkRecords(t, app)
		status, out := fs.post(t, url, form)
		after := checkRecords(t, app)
		if status != http.StatusOK {
			if after != before {
				t.Fatalf("refused (%d) but users went from %d to %d", status, before, after)
			}
			return
		}
		if after != before+1 {
			t.Fatalf("registered but users went from %d to %d", before, after)
		}
		if !form && !jsonAcceptable(users, fs) {
			t.Fatalf("registered a body with a wrong type or a server-owned field: %s", jsonOf(fs))
		}
		var created struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal(out, &created); err != nil {
			t.Fatal(err)
		}
		u, err := app.FindRecordById("users", created.ID)
		if err != nil {
			t.Fatalf("registered user %s not found: %v", created.ID, err)
		}
		checkStoredUser(t, app, u)
		if !form {
			var body map[string]any
			_ = json.Unmarshal([]byte(jsonOf(fs)), &body)
			code, _ := body["ref"].(string)
			wantReferrer := ""
			if code = strings.TrimSpace(code); code != "" {
				r, err := app.FindFirstRecordByData("users", "referral_code", code)
				if err != nil {
					t.Fatalf("registered with unknown ref %q", code)
				}
				wantReferrer = r.Id
			}
			if got := u.GetString("referred_by"); got != wantReferrer {
				t.Fatalf("ref %q gave referred_by %q, want %q", code, got, wantReferrer)
			}
		}
	})
}

// checkStoredUser checks what a registration stored is in normal form.
func checkStoredUser(t *testing.T, app core.App, u *core.Record) {
	t.Helper()
	if !storedCedula.MatchString(u.GetString("cedula")) {
		t.Fatalf("stored cédula %q", u.GetString("cedula"))
	}
	if !storedPhone.MatchString(u.GetString("phone")) {
		t.Fatalf("stored phone %q", u.GetString("phone"))
	}
	if u.GetString("role") != "member" || u.GetString("data_policy_version") != schema.PolicyVersion {
		t.Fatalf("stored role %q, policy %q", u.GetString("role"), u.GetString("data_policy_version"))
	}
	if g := u.GetFloat("referral_goal"); g < 0 || g > 100000 || g != float64(int64(g)) {
		t.Fatalf("stored referral_goal %v", g)
	}
	name := u.GetString("name")
	letters := 0
	for _, r := range name {
		if unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Other_Default_Ignorable_Code_Point, r) {
			t.Fatalf("stored name %q has an invisible character %U", name, r)
		}
		if unicode.IsLetter(r) {
			letters++
		}
	}
	if letters < 3 || name != strings.Join(strings.Fields(name), " ") {
		t.Fatalf("stored name %q", name)
	}
	if ref := u.GetString("referred_by"); ref != "" {
		if _, err := app.FindRecordById("users", ref); err != nil {
			t.Fatalf("referred_by %q is nobody", ref)
		}
	}
}

// FuzzLogin posts logins with any identity and password of any type. Never
// a 5xx, never a record created or lost, and never a token without the
// password.
func FuzzLogin(f *testing.F) {
	app, base := fuzzServer(f)
	url := base + "/api/collections/users/auth-with-password"
	pw := `"` + apptest.Password + `"`
	for _, s := range []struct {
		form                            bool
		identity, password, identityFld string
	}{
		{false, `"20.000.001"`, pw, ``},
		{false, `"20000001"`, `"equivocada-123"`, ``},
		{false, `20000001`, pw, ``},
		{false, `["20000001"]`, pw, ``},
		{false, `{"$ne":""}`, `{"$ne":""}`, ``},
		{false, `null`, pw, ``},
		{false, `true`, `true`, ``},
		{false, `"20000001"`, `[` + pw + `]`, ``},
		{false, `"20000001"`, pw, `"cedula"`},
		{false, `"20000001"`, pw, `"password"`},
		{false, `"20000001"`, pw, `["cedula"]`},
		{false, `"-20000001"`, pw, ``},
		{true, `20.000.001`, apptest.Password, ``},
		{true, `20000001`, apptest.Password, `cedula`},
		{false, `"` + strings.Repeat("2", 100_000) + `"`, pw, ``},
		{false, `"20000001"`, `"` + strings.Repeat("x", 1_000_000) + `"`, ``},
		{false, `"\ud800"`, pw, ``},
		{false, `"２００００００１"`, pw, ``},
		{false, `"20000001\u0000"`, pw, ``},
		{false, `2e400`, pw, ``},
		{true, strings.Repeat("2", 100_000), apptest.Password, ``},
		{true, "20000001\x00", apptest.Password, ``},
	} {
		f.Add(s.form, s.identity, s.password, s.identityFld)
	}
	f.Fuzz(func(t *testing.T, form bool, identity, password, identityField string) {
		fs := fields{{"identity", identity}, {"password", password}, {"identityField", identityField}}
		before := checkRecords(t, app)
		status, out := fs.post(t, url, form)
		if after := checkRecords(t, app); after != before {
			t.Fatalf("a login changed users from %d to %d", before, after)
		}
		if status == http.StatusOK {
			sent := password
			if !form {
				if err := json.Unmarshal([]byte(password), &sent); err != nil {
					t.Fatalf("logged in with password %s: %s", password, out)
				}
			}
			if sent != apptest.Password {
				t.Fatalf("logged in with password %q: %s", password, out)
			}
		}
	})
}
