package routes_test

import (
	"encoding/json"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
)

// The served document is valid JSON and documents exactly the API routes
// the server adds to PocketBase's: the router of the server server.Build
// wires is walked, PocketBase's own routes (those apis.NewRouter makes
// before Padrón's OnServe binds its own) are set apart, and every other
// route under /api/ must be in the document, and every documented one
// registered. The web app's pages and assets are not API.
func TestOpenAPI(t *testing.T) {
	t.Parallel()
	s := tests.ApiScenario{
		Name: "served", Method: http.MethodGet, URL: "/api/padron/openapi.json",
		ExpectedStatus: 200, ExpectedContent: []string{`"openapi":"3.1.0"`},
		TestAppFactory: func(t testing.TB) *tests.TestApp { return setup(t, nil) },
		AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
			var doc struct {
				Paths map[string]map[string]any `json:"paths"`
			}
			if err := json.NewDecoder(res.Body).Decode(&doc); err != nil {
				t.Fatalf("openapi.json: %v", err)
			}
			var documented []string
			for path, ops := range doc.Paths {
				for method := range ops {
					documented = append(documented, strings.ToUpper(method)+" "+path)
				}
			}
			custom := customAPIRoutes(t, app)
			if len(custom) < 8 {
				t.Fatalf("found only %d custom API routes, the walk is broken: %v", len(custom), custom)
			}
			for _, r := range custom {
				if !slices.Contains(documented, r) {
					t.Errorf("%s is registered but not in openapi.json", r)
				}
			}
			for _, d := range documented {
				if !slices.Contains(custom, d) {
					t.Errorf("%s is in openapi.json but not registered", d)
				}
			}
		},
	}
	s.Test(t)
}

// customAPIRoutes are "METHOD /api/..." of every route app's OnServe adds
// to PocketBase's router.
func customAPIRoutes(t testing.TB, app core.App) []string {
	t.Helper()
	router, err := apis.NewRouter(app)
	if err != nil {
		t.Fatal(err)
	}
	pocketbase := routesOf(reflect.ValueOf(router.RouterGroup).Elem(), "")
	err = app.OnServe().Trigger(&core.ServeEvent{App: app, Router: router}, func(*core.ServeEvent) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	var custom []string
	for _, r := range routesOf(reflect.ValueOf(router.RouterGroup).Elem(), "") {
		if _, path, _ := strings.Cut(r, " "); strings.HasPrefix(path, "/api/") && !slices.Contains(pocketbase, r) {
			custom = append(custom, r)
		}
	}
	return custom
}

// routesOf lists "METHOD path" of every route in group (a
// router.RouterGroup) and its subgroups. PocketBase's router keeps them in
// an unexported field with no accessor; reflection reads it.
func routesOf(group reflect.Value, prefix string) []string {
	prefix += group.FieldByName("Prefix").String()
	children := group.FieldByName("children")
	var out []string
	for i := range children.Len() {
		child := children.Index(i).Elem().Elem() // any -> *T -> T
		if child.FieldByName("children").IsValid() {
			out = append(out, routesOf(child, prefix)...)
			continue
		}
		out = append(out, child.FieldByName("Method").String()+" "+prefix+child.FieldByName("Path").String())
	}
	return out
}
