package webapp

import (
	"net/http"
	"path"
	"strings"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
)

// ContentSecurityPolicy is sent with every app response: scripts, styles
// and connections from this origin only, no inline script, no framing.
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; " +
	"font-src 'self'; connect-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'none'; " +
	"form-action 'self'; frame-ancestors 'none'"

// NoStoreMiddlewareID names the middleware that keeps API answers (records
// with cédulas and phones) out of every cache.
const NoStoreMiddlewareID = "padronNoStore"

// cacheablePaths are the API answers about nobody, which caches may keep.
var cacheablePaths = []string{"/api/health", "/api/padron/openapi.json"}

// setAppHeaders are the app's security headers; the admin dashboard at /_/
// keeps PocketBase's own.
func setAppHeaders(h http.Header) {
	h.Set("Content-Security-Policy", ContentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
}

// noStore marks every /api/ answer but cacheablePaths `Cache-Control:
// no-store` before the handler runs, errors and rate limits included: they
// carry people's cédulas and phones, which no browser or proxy cache may
// keep. A handler that sets its own Cache-Control wins.
func noStore() *hook.Handler[*core.RequestEvent] {
	return &hook.Handler[*core.RequestEvent]{
		Id:       NoStoreMiddlewareID,
		Priority: apis.DefaultCorsMiddlewarePriority - 1, // before CORS, the logger and the rate limiter
		Func: func(e *core.RequestEvent) error {
			if p := e.Request.URL.Path; strings.HasPrefix(p, "/api/") && !isCacheable(p) {
				e.Response.Header().Set("Cache-Control", "no-store")
			}
			return e.Next()
		},
	}
}

func isCacheable(p string) bool {
	for _, c := range cacheablePaths {
		if p == c {
			return true
		}
	}
	return false
}

// withAppHeaders sets the app's security headers before the router's mux
// sees the request, so the answers the mux gives itself (the redirects that
// clean "/./x", "/a/../b" or "//host/") carry them too. Clean paths of the
// API and the dashboard are left to PocketBase, whose dashboard sets its own
// policy.
func withAppHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p := r.URL.Path; !pocketBasePath(p) || p != cleanPath(p) {
			setAppHeaders(w.Header())
		}
		next.ServeHTTP(w, r)
	})
}

func pocketBasePath(p string) bool {
	return strings.HasPrefix(p, "/api/") || p == "/_" || strings.HasPrefix(p, "/_/")
}

// cleanPath is the path net/http's ServeMux redirects p to (p itself when
// it is clean): dot segments and repeated slashes removed, a trailing
// slash kept.
func cleanPath(p string) string {
	if p == "" {
		return "/"
	}
	if p[0] != '/' {
		p = "/" + p
	}
	np := path.Clean(p)
	if p[len(p)-1] == '/' && np != "/" {
		np += "/"
	}
	return np
}

// bindAppHeaders wraps the handler the router's mux becomes, once every
// route is bound (after the OnServe chain, before the server listens).
func bindAppHeaders(app core.App) {
	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{
		Id: "padronAppHeadersBeforeMux",
		Func: func(se *core.ServeEvent) error {
			if err := se.Next(); err != nil {
				return err
			}
			if se.Server != nil && se.Server.Handler != nil {
				se.Server.Handler = withAppHeaders(se.Server.Handler)
			}
			return nil
		},
	})
}
