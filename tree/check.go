package tree

import (
	"fmt"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/padron/padron/schema"
)

// Pair is one closure row's content.
type Pair struct {
	Ancestor, Descendant string
	Depth                int
}

// Verify compares the closure table with the tree users.referred_by draws
// and describes the first differences, then the counters with a recount
// (VerifyCounts); nil when all are equal. Tests and repairs use it.
func Verify(app core.App) error {
	var users []struct {
		ID  string `db:"id"`
		Ref string `db:"referred_by"`
	}
	if err := app.DB().Select("id", "referred_by").From(schema.UsersCollection).All(&users); err != nil {
		return fmt.Errorf("load users: %w", err)
	}
	parent := make(map[string]string, len(users))
	for _, u := range users {
		parent[u.ID] = u.Ref
	}
	want := map[Pair]bool{}
	for _, u := range users {
		at, d := u.ID, 0
		for at != "" && d <= len(users) {
			want[Pair{at, u.ID, d}] = true
			at, d = parent[at], d+1
		}
	}
	var rows []struct {
		A string `db:"ancestor"`
		D string `db:"descendant"`
		N int    `db:"depth"`
	}
	if err := app.DB().Select("ancestor", "descendant", "depth").From(schema.NetworkCollection).
		OrderBy("descendant", "depth").All(&rows); err != nil {
		return fmt.Errorf("load network: %w", err)
	}
	var diffs []string
	got := map[Pair]bool{}
	for _, r := range rows {
		p := Pair{r.A, r.D, r.N}
		if got[p] {
			diffs = append(diffs, fmt.Sprintf("duplicate %v", p))
		}
		got[p] = true
		if !want[p] {
			diffs = append(diffs, fmt.Sprintf("extra %v", p))
		}
	}
	for p := range want {
		if !got[p] {
			diffs = append(diffs, fmt.Sprintf("missing %v", p))
		}
	}
	if len(diffs) == 0 {
		return VerifyCounts(app)
	}
	if len(diffs) > 10 {
		diffs = append(diffs[:10], fmt.Sprintf("... %d more", len(diffs)-10))
	}
	return fmt.Errorf("network differs from referred_by: %v", diffs)
}

// Depth is how far below its root userID sits (0 for a root).
func Depth(app core.App, userID string) (int, error) {
	var n int
	err := app.DB().NewQuery("SELECT coalesce(max(depth), 0) FROM {{" + schema.NetworkCollection + "}} WHERE descendant = {:id}").
		Bind(dbx.Params{"id": userID}).Row(&n)
	if err != nil {
		return 0, fmt.Errorf("depth of %s: %w", userID, err)
	}
	return n, nil
}
