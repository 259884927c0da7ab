package backups_test

import (
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"github.com/padron/padron/apptest"
	"github.com/padron/padron/backups"
)

// BenchmarkApplyFirstStart measures what a start that changes the schedule
// pays (a settings save and PocketBase's reload); a start that finds it in
// place only compares.
func BenchmarkApplyFirstStart(b *testing.B) {
	app := apptest.NewBareApp(b)
	defer app.Cleanup()
	crons := []string{"0 8 * * *", "0 9 * * *"}
	for i := 0; b.Loop(); i++ {
		if err := backups.Apply(app, backups.Config{Cron: crons[i%2]}, func(core.App, string) {}); err != nil {
			b.Fatal(err)
		}
	}
}
