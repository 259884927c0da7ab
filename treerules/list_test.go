package treerules_test

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/padron/padron/apptest"
	"github.com/padron/padron/schema"
	"github.com/padron/padron/tree"
	"github.com/padron/padron/treerules"
)

const listPeople = 90

func listID(i int) string { return fmt.Sprintf("lst%012d", i) }

// listPyramid adds a random pyramid (fixed seed) of listPeople under a
// coordinator, leaders one in three, registrations spread over four weeks
// (each at its own second, so every newest-first order is one order).
func listPyramid(t *testing.T, app core.App) {
	t.Helper()
	users, err := app.FindCollectionByNameOrId(schema.UsersCollection)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(7, 11))
	t0 := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	for i := range listPeople {
		r := core.NewRecord(users)
		r.Id = listID(i)
		r.Set("name", "Persona "+[]string{"Alba", "Bruna", "Celia", "Dora", "Elsa", "Fina"}[rng.IntN(6)])
		r.Set("cedula", fmt.Sprint(71000000+i))
		r.Set("phone", "3001234567")
		role := schema.RoleMember
		switch {
		case i == 0:
			role = schema.RoleCoordinator
		case rng.IntN(3) == 0:
			role = schema.RoleLeader
		}
		r.Set("role", role)
		if i > 0 {
			r.Set("referred_by", listID(rng.IntN(i)))
		}
		r.Set("data_policy_version", schema.PolicyVersion)
		r.SetPassword(apptest.Password)
		if err := app.Save(r); err != nil {
			t.Fatal(err)
		}
		created := t0.AddDate(0, 0, -rng.IntN(28)).Add(time.Duration(i) * time.Second).Format(types.DefaultDateLayout)
		if _, err := app.DB().NewQuery("UPDATE users SET created = {:c} WHERE id = {:id}").Bind(dbx.Params{"c": created, "id": r.Id}).Execute(); err != nil {
			t.Fatal(err)
		}
	}
	if err := tree.Rebuild(app); err != nil { // the days counters, for the dates just set
		t.Fatal(err)
	}
}

// TestListSameAsTheRuleEngine: PocketBase's list API, for every kind of
// caller in a random pyramid and every kind of list query (pages, sorts,
// filters reaching through relations or above oneself, expand, fields,
// bad input, no skipTotal, no sort), answers byte for byte what it answers
// with the shortcut unbound; and the shortcut was taken, by both plans.
func TestListSameAsTheRuleEngine(t *testing.T) {
	t.Parallel()
	app := apptest.NewApp(t)
	defer app.Cleanup()
	listPyramid(t, app)

	var mu sync.Mutex
	var logged []string
	logging := false
	app.ConcurrentDB().(*dbx.DB).QueryLogFunc = func(_ context.Context, _ time.Duration, q string, _ *sql.Rows, _ error) {
		mu.Lock()
		defer mu.Unlock()
		if logging && strings.Contains(q, "network") {
			logged = append(logged, q)
		}
	}
	fast := apptest.Serve(t, app)
	plain := apptest.CloneApp(t, app)
	defer plain.Cleanup()
	plain.OnServe().Bind(&hook.Handler[*core.ServeEvent]{Priority: 1, Func: func(se *core.ServeEvent) error {
		se.Router.Unbind(treerules.ListMiddlewareID)
		return se.Next()
	}})
	engine := apptest.Serve(t, plain)

	get := func(base, path, token string) (int, string) {
		req, err := http.NewRequest(http.MethodGet, base+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}

	// Viewers: the coordinator, the leaders and members with the most
	// below them, and a leaf.
	var viewers []string
	for _, role := range []string{schema.RoleCoordinator, schema.RoleLeader, schema.RoleMember} {
		var ids []string
		err := app.DB().NewQuery("SELECT u.id FROM users u LEFT JOIN network n ON n.ancestor = u.id AND n.depth > 0" +
			" WHERE u.id LIKE 'lst%' AND u.role = {:role} GROUP BY u.id ORDER BY count(n.descendant) DESC, u.id LIMIT 2").
			Bind(dbx.Params{"role": role}).Column(&ids)
		if err != nil {
			t.Fatal(err)
		}
		viewers = append(viewers, ids...)
	}
	viewers = append(viewers, listID(listPeople-1))

	var oldest int
	if err := app.DB().NewQuery("SELECT CAST(substr(cedula, 3) AS INTEGER) FROM users WHERE id LIKE 'lst%' AND id != {:root} ORDER BY created LIMIT 1").
		Bind(dbx.Params{"root": listID(0)}).Row(&oldest); err != nil {
		t.Fatal(err)
	}
	var nonEmpty int
	for _, v := range viewers {
		rec, err := app.FindRecordById(schema.UsersCollection, v)
		if err != nil {
			t.Fatal(err)
		}
		token, err := rec.NewAuthToken()
		if err != nil {
			t.Fatal(err)
		}
		users := func(q url.Values) string { return "/api/collections/users/records?" + q.Encode() }
		paths := []string{
			"/api/collections/cedula_info/records?" + url.Values{"sort": {"-created,id"}, "skipTotal": {"1"}, "perPage": {"6"}, "page": {"2"}}.Encode(),
			"/api/collections/users/records?sort=-created",                      // totals asked: PocketBase's engine
			"/api/collections/users/records?skipTotal=1&perPage=5",              // no order: PocketBase's engine
			"/api/collections/users/records?skipTotal=1&sort=-created&filter=(", // bad filter
			"/api/collections/users/records?skipTotal=1&sort=-nope",             // bad sort
		}
		for _, page := range []string{"1", "2", "3", "9"} {
			paths = append(paths, users(url.Values{"sort": {"-created"}, "skipTotal": {"1"}, "perPage": {"5"}, "page": {page}}))
		}
		paths = append(paths,
			users(url.Values{"sort": {"-created"}, "skipTotal": {"1"}, "perPage": {"50"}, "filter": {"id != '" + v + "'"}}),
			users(url.Values{"sort": {"-created"}, "skipTotal": {"1"}, "perPage": {"4"}, "filter": {"name ~ 'Alba'"}}),
			// One old registration: the walk from the page's day finds none.
			users(url.Values{"sort": {"-created"}, "skipTotal": {"1"}, "perPage": {"4"}, "filter": {"cedula = '" + fmt.Sprint(71000000+oldest) + "'"}}),
			users(url.Values{"sort": {"-created"}, "skipTotal": {"true"}, "perPage": {"4"}, "filter": {"referred_by.name ~ 'Bruna'"}}),
			users(url.Values{"sort": {"-created"}, "skipTotal": {"1"}, "filter": {"id = '" + listID(0) + "' || referred_by = '" + listID(0) + "'"}}),
			users(url.Values{"sort": {"name,-created"}, "skipTotal": {"1"}, "perPage": {"7"}, "page": {"2"}}),
			users(url.Values{"sort": {"-created"}, "skipTotal": {"1"}, "perPage": {"3"}, "expand": {"cedula_info_via_user,referred_by"}, "fields": {"id,name,expand"}}),
			users(url.Values{"sort": {"-created"}, "skipTotal": {"1"}, "perPage": {"3"}, "filter": {"@request.auth.role = 'leader'"}}),
		)
		for _, p := range paths {
			mu.Lock()
			logging = true
			mu.Unlock()
			gotStatus, got := get(fast.URL, p, token)
			mu.Lock()
			logging = false
			mu.Unlock()
			wantStatus, want := get(engine.URL, p, token)
			if gotStatus != wantStatus || got != want {
				t.Errorf("%s %s:\n got %d %.600s\nwant %d %.600s", rec.GetString("role"), p, gotStatus, got, wantStatus, want)
			}
			if gotStatus == http.StatusOK && strings.Contains(got, `"id":"`) {
				nonEmpty++
			}
		}
	}
	if nonEmpty < len(viewers)*5 {
		t.Errorf("only %d answers held records: the comparison did not cover much", nonEmpty)
	}
	var walks, reads int
	plans := map[string]string{}
	for _, q := range logged {
		kind := ""
		switch {
		case strings.Contains(q, "EXISTS (SELECT 1 FROM {{network}} n"):
			walks++
			kind = "walk"
		case strings.Contains(q, "IN (SELECT [[descendant]] FROM {{network}}"):
			reads++
			kind = "read"
		case strings.Contains(q, "network_via_descendant") && strings.Contains(q, "[[users.id]] = '!'"):
			kind = "decoy"
		}
		if _, ok := plans[kind]; kind != "" && !ok {
			plans[kind] = apptest.QueryPlan(t, app, q)
			t.Logf("%s: %s\n%s", kind, q, plans[kind])
		}
	}
	if walks == 0 || reads == 0 {
		t.Errorf("the shortcut ran %d walks and %d subtree reads, want both", walks, reads)
	}
	// The handler's own query is one id lookup; the walk reads users off
	// the (created, id) index and stops at the page's end.
	for kind, first := range map[string]string{
		"decoy": "SEARCH users USING INDEX sqlite_autoindex_users_1 (id=?)",
		"walk":  "SEARCH users USING INDEX idx_users_created_id (created>?)",
	} {
		if p := plans[kind]; !strings.HasPrefix(p, first) || strings.Contains(p, "TEMP B-TREE") {
			t.Errorf("plan of the %s:\n%s\nwant it to start with %s and sort nothing", kind, p, first)
		}
	}
	t.Logf("%d walks, %d subtree reads, %d answers with records", walks, reads, nonEmpty)
}
