package realtimeclient_test

import (
	"maps"
	"testing"

	"github.com/pocketbase/pocketbase/tools/subscriptions"

	"github.com/padron/padron/realtimeclient"
)

// TestSameAnswersAsPocketBasesClient: for every prefix the broadcast asks
// about, the client answers what PocketBase's own client answers, through
// subscribes, partial and full unsubscribes.
func TestSameAnswersAsPocketBasesClient(t *testing.T) {
	t.Parallel()
	prefixes := []string{
		"cedula_info/abc?", "cedula_info/ab?", "cedula_info/*?", "cedula_info?", "cedula_info/",
		"users/u1?", "users/*?", "users?", "referidos/*?", "cedula", "", "?",
	}
	steps := []struct {
		name        string
		subscribe   []string
		unsubscribe []string
		all         bool
	}{
		{name: "nothing"},
		{name: "one record", subscribe: []string{"cedula_info/abc"}},
		{name: "options", subscribe: []string{`cedula_info/*?options={"query":{"expand":"user"}}`, "users/u1", ""}},
		{name: "deprecated topic", subscribe: []string{"cedula_info", "users/u1"}},
		{name: "one gone", unsubscribe: []string{"cedula_info/abc", "never"}},
		{name: "all gone", all: true},
		{name: "again", subscribe: []string{"referidos/*", "cedula_info/abcd"}},
	}
	ours := realtimeclient.Wrap(subscriptions.NewDefaultClient())
	theirs := subscriptions.NewDefaultClient()
	for _, s := range steps {
		for _, c := range []subscriptions.Client{ours, theirs} {
			if len(s.subscribe) > 0 {
				c.Subscribe(s.subscribe...)
			}
			if len(s.unsubscribe) > 0 || s.all {
				c.Unsubscribe(s.unsubscribe...)
			}
		}
		for _, p := range append(prefixes, "cedula_info/abcd?") {
			got, want := ours.Subscriptions(p), theirs.Subscriptions(p)
			if len(got) != len(want) || !maps.EqualFunc(got, want, sameOptions) {
				t.Errorf("%s: Subscriptions(%q) = %v, PocketBase's client %v", s.name, p, got, want)
			}
		}
		if got, want := ours.Subscriptions("users/u1?", "cedula_info/*?"), theirs.Subscriptions("users/u1?", "cedula_info/*?"); len(got) != len(want) {
			t.Errorf("%s: two prefixes: %v, PocketBase's client %v", s.name, got, want)
		}
		if got, want := len(ours.Subscriptions()), len(theirs.Subscriptions()); got != want {
			t.Errorf("%s: all subscriptions: %d, PocketBase's client %d", s.name, got, want)
		}
	}
}

func sameOptions(a, b subscriptions.SubscriptionOptions) bool {
	return maps.Equal(a.Query, b.Query) && maps.Equal(a.Headers, b.Headers)
}

// TestWrapKeepsTopics: a client wrapped after it subscribed still answers
// for its topics.
func TestWrapKeepsTopics(t *testing.T) {
	t.Parallel()
	inner := subscriptions.NewDefaultClient()
	inner.Subscribe("cedula_info/abc")
	if got := realtimeclient.Wrap(inner).Subscriptions("cedula_info/abc?"); len(got) != 1 {
		t.Fatalf("wrapped client lost its topic: %v", got)
	}
}

// TestNoMatchAllocatesNothing is the point of the package: the broadcast's
// question to a client it does not concern costs no allocation of the
// client's (the one left is the caller's argument list, which escapes
// through the interface call, as in PocketBase's broadcast).
func TestNoMatchAllocatesNothing(t *testing.T) {
	for _, tc := range []struct {
		name string
		c    subscriptions.Client
		most float64
	}{
		{"ours", realtimeclient.Wrap(subscriptions.NewDefaultClient()), 1},
		{"PocketBase's", subscriptions.NewDefaultClient(), 1e9},
	} {
		tc.c.Subscribe("cedula_info/abc", "users/u1")
		n := testing.AllocsPerRun(100, func() { tc.c.Subscriptions("cedula_info/other?") })
		t.Logf("%s client: %v allocations", tc.name, n)
		if n > tc.most {
			t.Errorf("%s client: %v allocations for a topic it does not hold, want at most %v", tc.name, n, tc.most)
		}
	}
}
