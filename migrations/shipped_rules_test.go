package migrations_test

import (
	"testing"

	"github.com/padron/padron/apptest"
	"github.com/padron/padron/schema"
)

// TestShippedRulesAreNamed: the rules the live feeds know by heart
// (schema.ReferidosRule, schema.MarksReadRule) are exactly what the
// migrations store, so the feeds' fast paths are taken on a fresh install
// and a rule changed in a migration without its name shows here.
func TestShippedRulesAreNamed(t *testing.T) {
	t.Parallel()
	app := apptest.NewApp(t)
	defer app.Cleanup()
	for _, c := range []struct{ collection, rule string }{
		{schema.ReferidosCollection, schema.ReferidosRule},
		{schema.VoteMarksCollection, schema.MarksReadRule},
	} {
		col, err := app.FindCollectionByNameOrId(c.collection)
		if err != nil {
			t.Fatal(err)
		}
		for name, got := range map[string]*string{"list": col.ListRule, "view": col.ViewRule} {
			if got == nil || *got != c.rule {
				t.Errorf("%s %s rule = %v, want the named %q", c.collection, name, deref(got), c.rule)
			}
		}
	}
}

func deref(s *string) any {
	if s == nil {
		return nil
	}
	return *s
}
