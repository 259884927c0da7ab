package apptest_test

import (
	"testing"
	"time"

	"github.com/padron/padron/apptest"
)

// TestServedAppsKeepCronStill: serving an app (as tests.ApiScenario and
// Serve do) starts PocketBase's cron; a test app never lets it start, so
// jobs run only when a test calls them.
func TestServedAppsKeepCronStill(t *testing.T) {
	t.Parallel()
	app := apptest.NewApp(t)
	defer app.Cleanup()
	// A millisecond tick and an every-minute job: a running ticker would
	// run it within a few milliseconds of serve.
	app.Cron().SetInterval(time.Millisecond)
	ran := make(chan struct{}, 1)
	app.Cron().MustAdd("apptestProbe", "* * * * *", func() {
		select {
		case ran <- struct{}{}:
		default:
		}
	})
	apptest.Serve(t, app)
	select {
	case <-ran:
		t.Error("a cron job ran on its own in a served test app")
	case <-time.After(250 * time.Millisecond):
	}
	if app.Cron().HasStarted() {
		t.Error("the cron ticker runs in a served test app")
	}
}
