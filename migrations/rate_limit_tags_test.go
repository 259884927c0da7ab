package migrations

import (
	"reflect"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
)

func TestRelabelRule(t *testing.T) {
	t.Parallel()
	const from, to = "POST /api/collections/users/records", "users:create"
	fallback := core.RateLimitRule{Label: to, MaxRequests: 30, Duration: 60}
	rule := func(label string, max int, audience string) core.RateLimitRule {
		return core.RateLimitRule{Label: label, MaxRequests: max, Duration: 60, Audience: audience}
	}
	cases := []struct {
		name    string
		in, out []core.RateLimitRule
	}{
		{"as migrated: renamed in place",
			[]core.RateLimitRule{rule("a", 1, ""), rule(from, 30, ""), rule("/api/", 300, "")},
			[]core.RateLimitRule{rule("a", 1, ""), rule(to, 30, ""), rule("/api/", 300, "")}},
		{"tuned in the dashboard: the numbers are kept",
			[]core.RateLimitRule{rule(from, 7, "@guest"), rule(from, 50, "@auth")},
			[]core.RateLimitRule{rule(to, 7, "@guest"), rule(to, 50, "@auth")}},
		{"deleted in the dashboard: the limit comes back first",
			[]core.RateLimitRule{rule("/api/", 300, "")},
			[]core.RateLimitRule{fallback, rule("/api/", 300, "")}},
		{"tag already there: the dead path rule goes",
			[]core.RateLimitRule{rule(to, 5, ""), rule(from, 30, "")},
			[]core.RateLimitRule{rule(to, 5, "")}},
	}
	for _, tc := range cases {
		if got := relabelRule(tc.in, from, to, fallback); !reflect.DeepEqual(got, tc.out) {
			t.Errorf("%s:\n got %v\nwant %v", tc.name, got, tc.out)
		}
	}
}

// Up and down on a migrated app: the settings validate and the labels move.
func TestRateLimitTagsUpDown(t *testing.T) {
	t.Parallel()
	app, err := tests.NewTestApp(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer app.Cleanup()
	labels := func() map[string]int {
		out := map[string]int{}
		for _, r := range app.Settings().RateLimits.Rules {
			out[r.Label] = r.MaxRequests
		}
		return out
	}
	want := func(stage string, present, absent []string) {
		t.Helper()
		got := labels()
		for _, l := range present {
			if _, ok := got[l]; !ok {
				t.Errorf("%s: no rule %q in %v", stage, l, got)
			}
		}
		for _, l := range absent {
			if _, ok := got[l]; ok {
				t.Errorf("%s: rule %q still there", stage, l)
			}
		}
	}
	tags := []string{"users:auth", "users:create"}
	paths := []string{"POST /api/collections/users/auth-with-password", "POST /api/collections/users/records"}
	want("migrated", tags, paths)
	if got := labels()["users:auth"]; got != 20 {
		t.Errorf("users:auth allows %d, want 20", got)
	}
	if err := downRateLimitTags(app); err != nil {
		t.Fatal(err)
	}
	want("down", paths, tags)
	if err := upRateLimitTags(app); err != nil {
		t.Fatal(err)
	}
	want("up again", tags, paths)
}
