package apptest

import (
	"net/http"
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
	// As apis.Serve: the mux becomes the server's handler at the end of
	// the OnServe chain, where hooks may wrap it before the server listens.
	se := &core.ServeEvent{App: app, Router: router, Server: &http.Server{}}
	err = app.OnServe().Trigger(se, func(e *core.ServeEvent) error {
		mux, err := e.Router.BuildMux()
		if err != nil {
			return err
		}
		e.Server.Handler = mux
		return nil
	})
	if err != nil {
		t.Fatalf("apptest: serve: %v", err)
	}
	srv := httptest.NewServer(se.Server.Handler)
	t.Cleanup(srv.Close)
	return srv
}
