package routes_test

import (
	"io/fs"
	"regexp"
	"testing"

	pbpublic "github.com/padron/padron/pb_public"

	"github.com/padron/padron/census"
)

// TestAppLabelsMatchCensus keeps the web app's status labels (census.js)
// equal to census.Label, which the leaders' CSV uses: a leader reads the
// same word on the screen and in the spreadsheet.
func TestAppLabelsMatchCensus(t *testing.T) {
	t.Parallel()
	js, err := fs.ReadFile(pbpublic.FS, "assets/js/census.js")
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]string{}
	for _, m := range regexp.MustCompile(`(?m)^\s*(\w+): \{\s*label: "([^"]+)"`).FindAllStringSubmatch(string(js), -1) {
		found[m[1]] = m[2]
	}
	for _, st := range census.Statuses {
		if found[st] != census.Label(st) {
			t.Errorf("status %s: the app says %q, census.Label %q", st, found[st], census.Label(st))
		}
	}
	if len(found) != len(census.Statuses) {
		t.Errorf("the app labels %d statuses, census has %d: %v", len(found), len(census.Statuses), found)
	}
}
