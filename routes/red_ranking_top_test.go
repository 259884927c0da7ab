package routes_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/pocketbase/dbx"

	"github.com/padron/padron/routes"
	"github.com/padron/padron/tree"
)

// TestRankBestFirstSameAsSQL: on the counters' random pyramid (names drawn
// from 20, so values and names tie), the best-first ranking gives, for
// every node, downward ranking and length, the same people in the same
// order as ordering the whole subtree in SQL; with a budget too small to
// read what a length needs it gives up (ok false) instead of answering
// short.
func TestRankBestFirstSameAsSQL(t *testing.T) {
	t.Parallel()
	app := setup(t, nil)
	defer app.Cleanup()
	seedCounterPyramid(t, app)
	since := tree.SinceDay(t0)
	gaveUp := 0
	for _, top := range []int{0, 1, 2, 5, 9} {
		for _, by := range []string{"size", "able", "growth"} {
			var all []string
			err := app.DB().NewQuery("SELECT u.id FROM network n JOIN users u ON u.id = n.descendant" +
				" WHERE n.ancestor = {:top} AND n.depth > 0 AND u.role IN ('leader', 'coordinator')" +
				" ORDER BY " + routes.RankedSQL[by] + " DESC, u.name, u.id").
				Bind(dbx.Params{"top": counterID(top), "since": since}).Column(&all)
			if err != nil {
				t.Fatal(err)
			}
			for want := 1; want <= len(all)+1; want++ {
				name := fmt.Sprintf("%s by %s, %d", counterID(top), by, want)
				got, ok, err := routes.RankBestFirst(app, counterID(top), by, since, want, counterPeople)
				if err != nil || !ok {
					t.Fatalf("%s: ok %v, %v", name, ok, err)
				}
				if exp := all[:min(want, len(all))]; !slices.Equal(got, exp) {
					t.Fatalf("%s:\n got %v\nwant %v", name, got, exp)
				}
				got, ok, err = routes.RankBestFirst(app, counterID(top), by, since, want, 3)
				switch {
				case err != nil:
					t.Fatal(err)
				case !ok:
					gaveUp++
				case !slices.Equal(got, all[:min(want, len(all))]):
					t.Fatalf("%s, budget 3: got %v", name, got)
				}
			}
		}
	}
	if gaveUp == 0 {
		t.Fatal("a budget of 3 people never made the ranking give up")
	}
}
