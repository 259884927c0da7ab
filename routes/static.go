package routes

import (
	"os"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
)

// ServePublic serves the static frontend in dir at / (with index.html as the
// fallback for client-side routes) when the directory exists.
func ServePublic(app core.App, dir string) {
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		if st, err := os.Stat(dir); err == nil && st.IsDir() && !se.Router.HasRoute("GET", "/{path...}") {
			se.Router.GET("/{path...}", apis.Static(os.DirFS(dir), true))
		} else if err != nil {
			se.App.Logger().Warn("public dir not served", "dir", dir, "error", err)
		}
		return se.Next()
	})
}
