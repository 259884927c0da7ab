package routes_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/padron/padron/apptest"
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

// queryPlan is SQLite's plan for query, one step a line.
func queryPlan(t testing.TB, app *tests.TestApp, query string) string {
	return apptest.QueryPlan(t, app, query)
}
