package routes_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/tests"
)

// appLoggingQueries is a TestAppFactory whose reads containing match are
// appended to queries, so a test can ask SQLite how it ran them.
func appLoggingQueries(match string, queries *[]string) func(testing.TB) *tests.TestApp {
	return func(t testing.TB) *tests.TestApp {
		app := setup(t, nil)
		app.ConcurrentDB().(*dbx.DB).QueryLogFunc = func(_ context.Context, _ time.Duration, query string, _ *sql.Rows, _ error) {
			if strings.Contains(query, match) {
				*queries = append(*queries, query)
			}
		}
		return app
	}
}
