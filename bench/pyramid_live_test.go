package bench

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestLiveChainAvoidsTheMovingBranch: on the quick and full pyramids the
// live registrations' chain has liveDepth people, root last, each the
// parent of the one before, and none of them in the branch the phase moves
// (the move checks its size), even where the first depth-9 person is in it.
func TestLiveChainAvoidsTheMovingBranch(t *testing.T) {
	t.Parallel()
	for _, n := range []int{20_000, 200_000} {
		people := drawPyramid(n, rand.New(rand.NewPCG(16, uint64(n))))
		roles := pickRoles(people)
		chain := liveChain(people, roles.branch)
		if len(chain) != liveDepth || chain[len(chain)-1] != 0 {
			t.Fatalf("%d people: chain %v", n, chain)
		}
		for i := 1; i < len(chain); i++ {
			if people[chain[i-1]].parent != chain[i] {
				t.Fatalf("%d people: %d's parent is not %d", n, chain[i-1], chain[i])
			}
		}
		if slices.Contains(chain, roles.branch) {
			t.Errorf("%d people: the chain %v passes through the moving branch %d", n, chain, roles.branch)
		}
		// Every depth-9 person of the branch is skipped: the same call
		// avoiding the first depth-9 person's own ancestors finds another.
		first := liveChain(people, -1)
		if other := liveChain(people, first[0]); other == nil || other[0] == first[0] {
			t.Errorf("%d people: avoiding %d gave %v", n, first[0], other)
		}
	}
}
