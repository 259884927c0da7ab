// Package webapp serves the members' and leaders' web app at / (embedded
// in the binary, or a directory on disk that replaces it): versioned,
// cached and gzipped assets, the app shell for its client-side routes, the
// short referral link, the app's security headers and `Cache-Control:
// no-store` on the API's answers about people.
package webapp

import (
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"os"

	"github.com/pocketbase/pocketbase/core"

	pbpublic "github.com/padron/padron/pb_public"
)

// AssetsPrefix is where the app's files are served, followed by the
// content version (a hash of every file) so they can be cached for a year.
const AssetsPrefix = "/assets/"

// assetsPlaceholder in index.html becomes AssetsPrefix + version.
const assetsPlaceholder = "{{ASSETS}}"

// AppPaths are the client-side routes answered 200 with the app shell;
// any other path gets the same shell with 404, and the app shows its
// not-found page.
var AppPaths = []string{"/", "/registro", "/reclamo", "/ingreso", "/inicio", "/perfil", "/referidos", "/red", "/politica-de-datos", "/dia-d", "/dia-d/listas", "/dia-d/testigo", "/dia-d/mesas"}

// Serve serves the web app at /: the directory dir when it exists on disk
// (an operator's override, or a developer editing the app; changes are
// picked up on the next page load), else the copy embedded in the binary.
func Serve(app core.App, dir string) {
	fsys, live := pbpublic.FS, false
	if st, err := os.Stat(dir); err == nil && st.IsDir() {
		fsys, live = os.DirFS(dir), true
	}
	serveFS(app, fsys, live, dir)
}

func serveFS(app core.App, fsys fs.FS, live bool, dir string) {
	s := &site{fsys: fsys, live: live}
	bindAppHeaders(app)
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.Bind(noStore())
		return se.Next()
	})
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		if se.Router.HasRoute(http.MethodGet, "/{path...}") {
			return se.Next()
		}
		if _, err := s.current(); err != nil {
			return fmt.Errorf("web app: %w", err)
		}
		if live {
			se.App.Logger().Info("serving the web app from disk", "dir", dir)
		}
		se.Router.GET(AssetsPrefix+"{version}/{file...}", s.asset)
		se.Router.GET("/r/{code}", referralShortLink)
		se.Router.GET("/{path...}", s.page)
		return se.Next()
	})
}

// referralShortLink turns the short link people share into the
// registration page with the code.
func referralShortLink(e *core.RequestEvent) error {
	setAppHeaders(e.Response.Header())
	return e.Redirect(http.StatusFound, "/registro?ref="+url.QueryEscape(e.Request.PathValue("code")))
}
