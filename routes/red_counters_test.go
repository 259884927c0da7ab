package routes_test

import (
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/padron/padron/census"
	"github.com/padron/padron/schema"
	"github.com/padron/padron/tree"
)

// counterPeople is how many people the counters' pyramid holds.
const counterPeople = 60

func counterID(i int) string { return fmt.Sprintf("ctr%012d", i) }

// seedCounterPyramid adds a random pyramid (fixed seed) under a
// coordinator, with random census answers and places, goals, and
// registrations spread over three weeks before t0.
func seedCounterPyramid(t testing.TB, app core.App) {
	t.Helper()
	col, err := app.FindCollectionByNameOrId(schema.UsersCollection)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(16, 5))
	for i := range counterPeople {
		r := core.NewRecord(col)
		r.Id = counterID(i)
		r.Set("name", fmt.Sprintf("Persona %02d", rng.IntN(20)))
		r.Set("cedula", fmt.Sprint(70000000+i))
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
			r.Set("referred_by", counterID(rng.IntN(i)))
		}
		r.Set("referral_goal", rng.IntN(4))
		r.Set("subtree_goal", rng.IntN(3)*5)
		r.Set("tokenKey", tokenKey(r.Id))
		r.SetRaw("password", &core.PasswordFieldValue{Hash: "$2a$04$notarealhashnotarealhashnotarealhashnotarealhas"})
		if err := app.SaveNoValidate(r); err != nil {
			t.Fatal(err)
		}
		info, err := app.FindFirstRecordByData(schema.CedulaInfoCollection, "user", r.Id)
		if err != nil {
			t.Fatal(err)
		}
		info.Set("status", census.Statuses[rng.IntN(len(census.Statuses))])
		info.Set("departamento", "ANTIOQUIA")
		info.Set("municipio", fmt.Sprint("MUNICIPIO ", rng.IntN(3)))
		info.Set("puesto", fmt.Sprint("PUESTO ", rng.IntN(4)))
		if err := app.SaveNoValidate(info); err != nil {
			t.Fatal(err)
		}
		created := t0.AddDate(0, 0, -rng.IntN(21)).Format(types.DefaultDateLayout)
		if _, err := app.DB().NewQuery("UPDATE users SET created = '" + created + "' WHERE id = '" + r.Id + "'").Execute(); err != nil {
			t.Fatal(err)
		}
	}
	if err := tree.Rebuild(app); err != nil { // the days counters, for the dates just set
		t.Fatal(err)
	}
}

func withCounterPyramid(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
	seedCounterPyramid(t, app)
}

var (
	counterTokenOnce sync.Once
	counterTokenAuth map[string]string
)

// counterToken is the Authorization header of the counters' pyramid's
// coordinator (counterID(0)), valid in every app cloned from the template.
func counterToken(t testing.TB) map[string]string {
	t.Helper()
	counterTokenOnce.Do(func() {
		app := setup(t, nil)
		defer app.Cleanup()
		seedCounterPyramid(t, app)
		r, err := app.FindRecordById("users", counterID(0))
		if err != nil {
			t.Fatal(err)
		}
		s, err := r.NewAuthToken()
		if err != nil {
			t.Fatal(err)
		}
		counterTokenAuth = map[string]string{"Authorization": s}
	})
	return counterTokenAuth
}

// TestRedCountersAnswerAsTheRules: on a random pyramid the stats,
// children and ranking (every order, several pages) that the counters give
// a coordinator equal, byte for byte, what the same endpoints compute by
// asking the rules row by row (forced by an equivalent rule written
// differently in the DB).
func TestRedCountersAnswerAsTheRules(t *testing.T) {
	t.Parallel()
	var urls []string
	for _, i := range []int{0, 2, 5} {
		urls = append(urls, "/api/red/nodes/"+counterID(i)+"/stats", "/api/red/nodes/"+counterID(i)+"/children?perPage=4",
			"/api/red/nodes/"+counterID(i))
	}
	// Pages of the subtree: the root's first pages walk users newest first,
	// its last page and the small subtrees walk the closure table (two
	// plans, one order: created, then id, many created stamps tied).
	for _, page := range []int{1, 2, 9} {
		urls = append(urls, fmt.Sprintf("/api/red/nodes/%s/subtree?perPage=7&page=%d", counterID(0), page))
	}
	urls = append(urls, "/api/red/nodes/"+counterID(2)+"/subtree?perPage=3&page=2", "/api/red/nodes/"+counterID(5)+"/subtree")
	// Searched, filtered and sorted pages (the /referidos whole network).
	for _, query := range []string{"sort=name", "sort=-name&page=2", "sort=status", "sort=-status&page=3", "sort=place&page=2",
		"sort=cedula", "sort=-cedula&page=2", "sort=created", "status=active,pending&sort=name", "able=true", "q=persona%200&sort=name", "q=7000001"} {
		urls = append(urls, "/api/red/nodes/"+counterID(0)+"/subtree?perPage=7&"+query)
	}
	for _, by := range []string{"size", "able", "growth", "goal"} {
		for page := 1; page <= 2; page++ {
			urls = append(urls, fmt.Sprintf("/api/red/nodes/%s/ranking?by=%s&perPage=6&page=%d", counterID(0), by, page))
		}
		// A subtree smaller than the campaign's leaders: counted whole.
		urls = append(urls, fmt.Sprintf("/api/red/nodes/%s/ranking?by=%s&perPage=3", counterID(2), by))
	}
	rewrite := func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
		seedCounterPyramid(t, app)
		for name, rule := range map[string]string{
			schema.UsersCollection:      schema.SeesUserRule("id") + ` && id != ""`,
			schema.CedulaInfoCollection: schema.SeesUserRule("user") + ` && id != ""`,
		} {
			c, err := app.FindCollectionByNameOrId(name)
			if err != nil {
				t.Fatal(err)
			}
			c.ListRule, c.ViewRule = types.Pointer(rule), types.Pointer(rule)
			if err := app.Save(c); err != nil {
				t.Fatal(err)
			}
		}
	}
	tok := counterToken(t)
	for _, url := range urls {
		bodies := map[string]string{}
		for name, before := range map[string]func(testing.TB, *tests.TestApp, *core.ServeEvent){
			"counters": withCounterPyramid,
			"rules":    rewrite,
		} {
			s := tests.ApiScenario{
				Name: name + " " + url, Method: http.MethodGet, URL: url, Headers: tok,
				ExpectedStatus: 200, ExpectedContent: []string{`"`}, BeforeTestFunc: before,
				TestAppFactory: func(t testing.TB) *tests.TestApp { return setup(t, nil) },
				AfterTestFunc: func(t testing.TB, _ *tests.TestApp, res *http.Response) {
					b, err := io.ReadAll(res.Body)
					if err != nil {
						t.Fatal(err)
					}
					bodies[name] = string(b)
					if strings.Contains(url, "/subtree") {
						bodies[name] = subtreeIDs(t, b)
					}
				},
			}
			s.Test(t)
		}
		if strings.Contains(url, "/subtree") && !strings.Contains(bodies["counters"], `"ctr`) {
			t.Errorf("%s: no people to compare: %q", url, bodies["counters"])
			continue
		}
		if !strings.Contains(url, "/subtree") && (len(bodies["counters"]) < 50 || !strings.Contains(bodies["counters"], `"ANTIOQUIA"`) && !strings.Contains(bodies["counters"], `"subtree_count"`)) {
			t.Errorf("%s: no answer to compare: %q", url, bodies["counters"])
		}
		if bodies["counters"] != bodies["rules"] {
			t.Errorf("%s:\ncounters: %.2000s\nrules:    %.2000s", url, bodies["counters"], bodies["rules"])
		}
	}
}

// subtreeIDs is a subtree page reduced to what both seeds share: its
// counts and its people's ids in order (codes and stamps differ per seed).
func subtreeIDs(t testing.TB, body []byte) string {
	t.Helper()
	var page struct {
		Page, PerPage, TotalItems int
		Items                     []struct{ ID string }
	}
	if err := json.Unmarshal(body, &page); err != nil {
		t.Fatalf("subtree page: %v: %s", err, body)
	}
	b, err := json.Marshal(page)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
