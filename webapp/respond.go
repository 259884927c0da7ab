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

// writeFile answers f, gzipped when the client takes it. Each encoding has
// its own ETag (the gzipped one suffixed "-gzip"), so a cache never takes
// one body for the other; Vary says the answer depends on Accept-Encoding.
// A conditional request holding either body's ETag gets 304 with that ETag:
// what it holds is current.
func writeFile(e *core.RequestEvent, f *file, status int) error {
	h := e.Response.Header()
	h.Set("Content-Type", f.contentType)
	h.Add("Vary", "Accept-Encoding")
	gzipped := f.gz != nil && acceptsGzip(e.Request.Header.Get("Accept-Encoding"))
	body, etag := f.body, f.etag
	if gzipped {
		body, etag = f.gz, f.gzEtag
	}
	if status == http.StatusOK {
		if held := matchingETag(e.Request.Header.Get("If-None-Match"), etag, f); held != "" {
			h.Set("ETag", held)
			e.Response.WriteHeader(http.StatusNotModified)
			return nil
		}
	}
	h.Set("ETag", etag)
	if gzipped {
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

// matchingETag returns which of f's ETags If-None-Match holds (selected,
// the one about to be sent, for "*"), or "" when none.
func matchingETag(header, selected string, f *file) string {
	for _, v := range strings.Split(header, ",") {
		v = strings.TrimPrefix(strings.TrimSpace(v), "W/")
		switch {
		case v == "*":
			return selected
		case v == f.etag:
			return f.etag
		case f.gz != nil && v == f.gzEtag:
			return v
		}
	}
	return ""
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
