package routes

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path"
	"sort"
	"strings"
	"sync"

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
var AppPaths = []string{"/", "/registro", "/ingreso", "/inicio", "/perfil", "/referidos", "/politica-de-datos"}

// ContentSecurityPolicy is sent with every app response: scripts, styles
// and connections from this origin only, no inline script, no framing.
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; " +
	"font-src 'self'; connect-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'none'; " +
	"form-action 'self'; frame-ancestors 'none'"

// assetTypes is the allowlist of files served from the app directory: a
// directory on disk may hold other files (embed.go, notes) that must not
// leak.
var assetTypes = map[string]string{
	".css":         "text/css; charset=utf-8",
	".js":          "text/javascript; charset=utf-8",
	".mjs":         "text/javascript; charset=utf-8",
	".svg":         "image/svg+xml",
	".png":         "image/png",
	".ico":         "image/x-icon",
	".webmanifest": "application/manifest+json",
	".txt":         "text/plain; charset=utf-8",
	".woff2":       "font/woff2",
}

// ServePublic serves the web app at /: the directory dir when it exists on
// disk (an operator's override, or a developer editing the app; changes are
// picked up on the next page load), else the copy embedded in the binary.
// It also answers PocketBase's own errors in Spanish on the app's API paths
// and sends realtime events for the referidos view the app subscribes to.
func ServePublic(app core.App, dir string) {
	fsys, live := pbpublic.FS, false
	if st, err := os.Stat(dir); err == nil && st.IsDir() {
		fsys, live = os.DirFS(dir), true
	}
	servePublicFS(app, fsys, live, dir)
}

func servePublicFS(app core.App, fsys fs.FS, live bool, dir string) {
	s := &site{fsys: fsys, live: live}
	bindReferidosLive(app)
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		bindSpanishErrors(se)
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

// file is one servable file, with its gzipped form when that is smaller.
type file struct {
	body, gz    []byte
	contentType string
	etag        string
}

// snapshot is the app's files at one version.
type snapshot struct {
	version string
	stamp   string
	files   map[string]*file // by path inside the app dir: "index.html", "assets/js/main.js"
}

type site struct {
	fsys fs.FS
	live bool

	mu   sync.Mutex
	snap *snapshot
}

// current returns the snapshot, rebuilt first when the app is served from
// disk and a file changed since.
func (s *site) current() (*snapshot, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.snap != nil && !s.live {
		return s.snap, nil
	}
	stamp, err := dirStamp(s.fsys)
	if err != nil {
		return nil, err
	}
	if s.snap != nil && s.snap.stamp == stamp {
		return s.snap, nil
	}
	snap, err := load(s.fsys)
	if err != nil {
		return nil, err
	}
	snap.stamp = stamp
	s.snap = snap
	return snap, nil
}

// cached returns the last snapshot without looking at the disk (asset
// requests follow a page load, which already looked).
func (s *site) cached() (*snapshot, error) {
	s.mu.Lock()
	snap := s.snap
	s.mu.Unlock()
	if snap != nil {
		return snap, nil
	}
	return s.current()
}

func servable(name string) bool {
	if name == "index.html" {
		return true
	}
	if !strings.HasPrefix(name, "assets/") {
		return false
	}
	_, ok := assetTypes[path.Ext(name)]
	return ok
}

// dirStamp is a cheap fingerprint of the servable files' names, sizes and
// modification times.
func dirStamp(fsys fs.FS) (string, error) {
	var b strings.Builder
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !servable(name) {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "%s %d %d\n", name, info.Size(), info.ModTime().UnixNano())
		return nil
	})
	return b.String(), err
}

// load reads every servable file, derives the version from their contents
// and prepares index.html with the versioned asset URLs.
func load(fsys fs.FS) (*snapshot, error) {
	var names []string
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && servable(name) {
			names = append(names, name)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	raw := make(map[string][]byte, len(names))
	sum := sha256.New()
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		raw[name] = b
		fmt.Fprintf(sum, "%s %d\n", name, len(b))
		sum.Write(b)
	}
	if _, ok := raw["index.html"]; !ok {
		return nil, fmt.Errorf("index.html missing")
	}
	snap := &snapshot{version: hex.EncodeToString(sum.Sum(nil))[:12], files: make(map[string]*file, len(raw))}
	raw["index.html"] = bytes.ReplaceAll(raw["index.html"], []byte(assetsPlaceholder), []byte(AssetsPrefix+snap.version))
	for name, b := range raw {
		ct := assetTypes[path.Ext(name)]
		if name == "index.html" {
			ct = "text/html; charset=utf-8"
		}
		h := sha256.Sum256(b)
		f := &file{body: b, contentType: ct, etag: `"` + hex.EncodeToString(h[:8]) + `"`}
		if !strings.HasPrefix(ct, "image/png") && !strings.HasPrefix(ct, "font/") {
			var gz bytes.Buffer
			w, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
			w.Write(b)
			w.Close()
			if gz.Len() < len(b) {
				f.gz = gz.Bytes()
			}
		}
		snap.files[name] = f
	}
	return snap, nil
}

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

// setAppHeaders are the app's security headers; the admin dashboard at /_/
// keeps PocketBase's own.
func setAppHeaders(h http.Header) {
	h.Set("Content-Security-Policy", ContentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
}
