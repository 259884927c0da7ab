package webapp_test

import (
	"compress/gzip"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/tests"

	"github.com/padron/padron/apptest"
	"github.com/padron/padron/config"
	"github.com/padron/padron/webapp"
)

// publicApp is the server as the binary builds it, with --public-dir dir
// (a missing directory: the embedded copy) and no worker.
func publicApp(t testing.TB, dir string) *tests.TestApp {
	t.Helper()
	cfg := config.Default()
	cfg.Worker = false
	cfg.PublicDir = dir
	return apptest.NewAppWith(t, cfg)
}

var versionRe = regexp.MustCompile(`/assets/([0-9a-f]{12})/js/main\.js`)

// client never follows redirects and never decompresses for us.
var client = &http.Client{
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	Transport:     &http.Transport{DisableCompression: true},
	Timeout:       10 * time.Second,
}

func get(t *testing.T, url string, header ...string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var r io.Reader = res.Body
	if res.Header.Get("Content-Encoding") == "gzip" {
		if r, err = gzip.NewReader(res.Body); err != nil {
			t.Fatal(err)
		}
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return res, string(b)
}

func TestServeEmbedded(t *testing.T) {
	t.Parallel()
	app := publicApp(t, filepath.Join(t.TempDir(), "missing")) // as a binary run from another directory
	defer app.Cleanup()
	srv := apptest.Serve(t, app)

	res, body := get(t, srv.URL+"/")
	if res.StatusCode != 200 || !strings.Contains(body, `<main id="main"`) {
		t.Fatalf("GET /: %d %.200s", res.StatusCode, body)
	}
	for h, want := range map[string]string{
		"Content-Security-Policy": webapp.ContentSecurityPolicy,
		"X-Content-Type-Options":  "nosniff",
		"Referrer-Policy":         "same-origin",
		"Cache-Control":           "no-cache",
		"Content-Type":            "text/html; charset=utf-8",
	} {
		if got := res.Header.Get(h); got != want {
			t.Errorf("GET / %s = %q, want %q", h, got, want)
		}
	}
	if strings.Contains(webapp.ContentSecurityPolicy, "unsafe-inline") || strings.Contains(body, "<script>") {
		t.Error("inline script allowed or present")
	}
	m := versionRe.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no versioned main.js in the shell: %.400s", body)
	}
	v := m[1]

	for path, want := range map[string]int{"/inicio": 200, "/registro": 200, "/reclamo": 200, "/referidos/": 200, "/no-existe": 404, "/assets": 404, "/embed.go": 404} {
		res, body := get(t, srv.URL+path)
		if res.StatusCode != want || !strings.Contains(body, `<main id="main"`) {
			t.Errorf("GET %s: %d, want %d with the app shell", path, res.StatusCode, want)
		}
	}

	// Assets: a year at the current version, compressed, never a Go file.
	res, js := get(t, srv.URL+"/assets/"+v+"/js/main.js", "Accept-Encoding", "gzip, br")
	if res.StatusCode != 200 || res.Header.Get("Content-Encoding") != "gzip" || !strings.Contains(js, "navigate") {
		t.Fatalf("main.js: %d encoding %q", res.StatusCode, res.Header.Get("Content-Encoding"))
	}
	if cc := res.Header.Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
		t.Errorf("current asset Cache-Control %q", cc)
	}
	if ct := res.Header.Get("Content-Type"); ct != "text/javascript; charset=utf-8" {
		t.Errorf("main.js Content-Type %q", ct)
	}
	if res.Header.Get("Content-Security-Policy") == "" {
		t.Error("asset without CSP")
	}
	etag := res.Header.Get("ETag")
	if res, _ := get(t, srv.URL+"/assets/"+v+"/js/main.js", "If-None-Match", etag); res.StatusCode != 304 {
		t.Errorf("If-None-Match: %d, want 304", res.StatusCode)
	}
	if res, _ := get(t, srv.URL+"/assets/000000000000/js/main.js"); res.StatusCode != 200 || res.Header.Get("Cache-Control") != "no-cache" {
		t.Errorf("stale version: %d %q, want today's file uncached", res.StatusCode, res.Header.Get("Cache-Control"))
	}
	if res, _ := get(t, srv.URL+"/assets/"+v+"/vendor/pocketbase.es.mjs"); res.StatusCode != 200 {
		t.Errorf("vendored SDK: %d", res.StatusCode)
	}
	for _, p := range []string{"/assets/" + v + "/nope.js", "/assets/" + v + "/js/", "/assets/" + v + "/index.html"} {
		if res, _ := get(t, srv.URL+p); res.StatusCode != 404 {
			t.Errorf("GET %s: %d, want 404", p, res.StatusCode)
		}
	}
	// Dot segments are cleaned by the router (a redirect), never resolved
	// against the app's directory.
	for _, p := range []string{"/assets/" + v + "/../embed.go", "/assets/" + v + "/../../go.mod"} {
		res, err := http.Get(srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if strings.Contains(string(b), "package ") || strings.Contains(string(b), "module ") {
			t.Errorf("GET %s leaked a source file", p)
		}
	}

	// The short link.
	res, _ = get(t, srv.URL+"/r/AbC123xy")
	if res.StatusCode != http.StatusFound || res.Header.Get("Location") != "/registro?ref=AbC123xy" {
		t.Errorf("/r/CODE: %d → %q", res.StatusCode, res.Header.Get("Location"))
	}

	// The admin dashboard's paths and unknown API paths are PocketBase's:
	// JSON 404s here (apis.Serve binds the dashboard), never the app shell.
	for _, p := range []string{"/_/", "/_/images/logo.svg", "/api/nope"} {
		res, body := get(t, srv.URL+p)
		if res.StatusCode != 404 || res.Header.Get("Content-Security-Policy") != "" || !strings.HasPrefix(body, "{") {
			t.Errorf("GET %s: %d, CSP %q, body %.60s", p, res.StatusCode, res.Header.Get("Content-Security-Policy"), body)
		}
	}
}

func TestServeFromDisk(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, content string) {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("index.html", `<main id="main">DISCO <script type="module" src="{{ASSETS}}/js/main.js"></script></main>`)
	write("assets/js/main.js", "export const navigate = 1;")
	write("embed.go", "package pbpublic // secret")
	write("assets/notes.go", "package x")
	write("assets/.env", "KEY=1")

	app := publicApp(t, dir)
	defer app.Cleanup()
	srv := apptest.Serve(t, app)

	_, body := get(t, srv.URL+"/")
	m := versionRe.FindStringSubmatch(body)
	if !strings.Contains(body, "DISCO") || m == nil {
		t.Fatalf("disk index not served: %.200s", body)
	}
	for _, p := range []string{"/embed.go", "/assets/" + m[1] + "/notes.go", "/assets/" + m[1] + "/.env", "/assets/" + m[1] + "/../embed.go"} {
		res, body := get(t, srv.URL+p)
		if strings.Contains(body, "package") || strings.Contains(body, "KEY=") {
			t.Errorf("GET %s leaked a file: %d %.80s", p, res.StatusCode, body)
		}
	}

	// An edit shows on the next page load, under a new version.
	write("assets/js/main.js", "export const navigate = 2;")
	_, body = get(t, srv.URL+"/")
	m2 := versionRe.FindStringSubmatch(body)
	if m2 == nil || m2[1] == m[1] {
		t.Fatalf("version did not change after an edit: %v → %v", m, m2)
	}
	if _, js := get(t, srv.URL+"/assets/"+m2[1]+"/js/main.js"); !strings.Contains(js, "2;") {
		t.Errorf("edited file not served: %q", js)
	}
}
