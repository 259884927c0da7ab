package apptest

import (
	"net/http/httptest"
	"testing"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
)

// Serve runs app's full router (PocketBase's routes and ours) on a real HTTP
// server on 127.0.0.1, for tests that need concurrency or streaming (SSE)
// that tests.ApiScenario's recorder cannot give. Closed with the test.
func Serve(t testing.TB, app core.App) *httptest.Server {
	t.Helper()
	router, err := apis.NewRouter(app)
	if err != nil {
		t.Fatalf("apptest: router: %v", err)
	}
	se := &core.ServeEvent{App: app, Router: router}
	var srv *httptest.Server
	err = app.OnServe().Trigger(se, func(e *core.ServeEvent) error {
		mux, err := e.Router.BuildMux()
		if err != nil {
			return err
		}
		srv = httptest.NewServer(mux)
		return nil
	})
	if err != nil {
		t.Fatalf("apptest: serve: %v", err)
	}
	t.Cleanup(srv.Close)
	return srv
}
