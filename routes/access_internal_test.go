package routes

import (
	"slices"
	"testing"
)

func TestTopConjuncts(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		sql  string
		want []string
	}{
		{"(([[n.ancestor]] = {:a} AND ([[n.depth]] = 0 OR {:r} = {:l})))", []string{"[[n.ancestor]] = {:a}", "[[n.depth]] = 0 OR {:r} = {:l}"}},
		{"([[x]] = 1) OR ([[n.ancestor]] = {:a} AND [[y]] = 2)", []string{"([[x]] = 1) OR ([[n.ancestor]] = {:a} AND [[y]] = 2)"}},
		{"(a) AND (b)", []string{"a", "b"}},
	} {
		if got := topConjuncts(c.sql); !slices.Equal(got, c.want) {
			t.Errorf("topConjuncts(%q) = %q, want %q", c.sql, got, c.want)
		}
	}
}
