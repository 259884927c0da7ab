package webapp

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/pocketbase/pocketbase/core"
)

// asset serves /assets/{version}/{file}: cached for a year when the version
// is current; an old version (a page loaded before a deploy) still gets
// today's file, uncached.
func (s *site) asset(e *core.RequestEvent) error {
	snap, err := s.cached()
	if err != nil {
		return e.InternalServerError("", err)
	}
	name := "assets/" + e.Request.PathValue("file")
	f := snap.files[name]
	if f == nil {
		return e.NotFoundError("", nil)
	}
	h := e.Response.Header()
	setAppHeaders(h)
	if e.Request.PathValue("version") == snap.version {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	return writeFile(e, f, http.StatusOK)
}

// page serves the app shell for every other GET: 200 on the app's routes,
// 404 elsewhere (the app then shows its not-found page).
func (s *site) page(e *core.RequestEvent) error {
	if p := e.Request.URL.Path; strings.HasPrefix(p, "/api/") || p == "/_" || strings.HasPrefix(p, "/_/") {
		return e.NotFoundError("", nil) // PocketBase's JSON 404; the dashboard is PocketBase's
	}
	snap, err := s.current()
	if err != nil {
		return e.InternalServerError("", err)
	}
	status := http.StatusNotFound
	p := e.Request.URL.Path
	if len(p) > 1 {
		p = strings.TrimSuffix(p, "/")
	}
	for _, app := range AppPaths {
		if p == app {
			status = http.StatusOK
		}
	}
	h := e.Response.Header()
	setAppHeaders(h)
	h.Set("Cache-Control", "no-cache")
	return writeFile(e, snap.files["index.html"], status)
}

func writeFile(e *core.RequestEvent, f *file, status int) error {
	h := e.Response.Header()
	h.Set("Content-Type", f.contentType)
	h.Set("ETag", f.etag)
	h.Add("Vary", "Accept-Encoding")
	if status == http.StatusOK && etagMatches(e.Request.Header.Get("If-None-Match"), f.etag) {
		e.Response.WriteHeader(http.StatusNotModified)
		return nil
	}
	body := f.body
	if f.gz != nil && acceptsGzip(e.Request.Header.Get("Accept-Encoding")) {
		body = f.gz
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("Content-Length", fmt.Sprint(len(body)))
	e.Response.WriteHeader(status)
	if e.Request.Method == http.MethodHead {
		return nil
	}
	_, err := e.Response.Write(body)
	return err
}

func etagMatches(header, etag string) bool {
	for _, v := range strings.Split(header, ",") {
		if v = strings.TrimSpace(v); v == etag || v == "W/"+etag || v == "*" {
			return true
		}
	}
	return false
}

func acceptsGzip(header string) bool {
	for _, v := range strings.Split(header, ",") {
		enc, q, _ := strings.Cut(strings.TrimSpace(v), ";")
		if strings.EqualFold(strings.TrimSpace(enc), "gzip") && strings.ReplaceAll(q, " ", "") != "q=0" {
			return true
		}
	}
	return false
}
