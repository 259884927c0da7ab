package webapp

import (
	"net/http"
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
