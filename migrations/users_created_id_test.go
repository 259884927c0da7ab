package migrations

import (
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/tests"
)

// The users created index is (created, id) after the migration and the
// plain created index after its down step: exactly one of them at a time.
func TestUsersCreatedID(t *testing.T) {
	t.Parallel()
	app, err := tests.NewTestApp(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer app.Cleanup()
	indexes := func() string {
		t.Helper()
		var sqls []string
		err := app.DB().NewQuery("SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'users' AND name LIKE {:p} ORDER BY name").
			Bind(dbx.Params{"p": "idx_users_created%"}).Column(&sqls)
		if err != nil {
			t.Fatal(err)
		}
		return strings.Join(sqls, "\n")
	}
	if got := indexes(); !strings.Contains(got, "idx_users_created_id") || !strings.Contains(got, "`created`,\n  `id`") && !strings.Contains(got, "`created`, `id`") || strings.Count(got, "CREATE") != 1 {
		t.Fatalf("after the migrations:\n%s", got)
	}
	if err := downUsersCreatedID(app); err != nil {
		t.Fatal(err)
	}
	if got := indexes(); !strings.Contains(got, "idx_users_created`") || strings.Count(got, "CREATE") != 1 {
		t.Fatalf("after the down step:\n%s", got)
	}
}
