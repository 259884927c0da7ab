package census_test

import (
	"bytes"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/padron/padron/census"
)

// TestJSModuleFresh fails when the web app's copy of the vocabulary is not
// what go generate writes from this package now.
func TestJSModuleFresh(t *testing.T) {
	t.Parallel()
	got, err := os.ReadFile("../" + census.JSModulePath)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, census.JSModule()) {
		t.Errorf("%s is stale: run go generate ./census", census.JSModulePath)
	}
}

// TestStatusSetsSplitStatuses: every status is in flight, an answer or a
// failure, exactly one of them, and the narrower sets sit inside their
// parent, so the app's filters and tones cover every record once.
func TestStatusSetsSplitStatuses(t *testing.T) {
	t.Parallel()
	seen := map[string]int{}
	for _, set := range [][]string{census.InFlight, census.Answers, census.Failed} {
		for _, s := range set {
			seen[s]++
		}
	}
	for _, s := range census.Statuses {
		if seen[s] != 1 {
			t.Errorf("status %s is in %d of InFlight, Answers, Failed; want 1", s, seen[s])
		}
		delete(seen, s)
	}
	if len(seen) > 0 {
		t.Errorf("sets name statuses that Statuses lacks: %v", seen)
	}
	for name, sub := range map[string][]string{"Settled": census.Settled, "Cancelled": census.Cancelled} {
		for _, s := range sub {
			if !slices.Contains(census.Answers, s) {
				t.Errorf("%s holds %s, which is not an answer", name, s)
			}
		}
	}
	for _, c := range append(slices.Clone(census.Classes), nil) {
		if s := census.FailedStatus(c); !slices.Contains(census.Failed, s) {
			t.Errorf("FailedStatus(%v) = %s, not one of Failed", c, s)
		}
	}
}

// TestEveryStatusHasWords: each status has its own label and meaning, and
// exactly the failed ones say what went wrong.
func TestEveryStatusHasWords(t *testing.T) {
	t.Parallel()
	labels, meanings := map[string]string{}, map[string]string{}
	for _, s := range census.Statuses {
		l, m := census.Label(s), census.Meaning(s)
		if l == census.Label("") || m == census.Meaning("") {
			t.Errorf("status %s reads as unknown: %q, %q", s, l, m)
		}
		if prev, dup := labels[l]; dup {
			t.Errorf("statuses %s and %s share the label %q", prev, s, l)
		}
		if prev, dup := meanings[m]; dup {
			t.Errorf("statuses %s and %s share the meaning %q", prev, s, m)
		}
		labels[l], meanings[m] = s, s
		if w := census.FailureWords(s); (w != "") != slices.Contains(census.Failed, s) || strings.TrimSpace(w) != w {
			t.Errorf("FailureWords(%s) = %q", s, w)
		}
	}
}
