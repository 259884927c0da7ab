package webapp

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"
)

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

// file is one servable file, with its gzipped form when that is smaller.
type file struct {
	body, gz    []byte
	contentType string
	etag        string // of body
	gzEtag      string // of gz: etag suffixed "-gzip", since another body needs another ETag
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
	// One compressor for every file: each new one allocates about 800 KB
	// of state, which for every asset was 30 MB of garbage at each start.
	var gz bytes.Buffer
	zw, err := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	for name, b := range raw {
		ct := assetTypes[path.Ext(name)]
		if name == "index.html" {
			ct = "text/html; charset=utf-8"
		}
		h := sha256.Sum256(b)
		f := &file{body: b, contentType: ct, etag: `"` + hex.EncodeToString(h[:8]) + `"`}
		if !strings.HasPrefix(ct, "image/png") && !strings.HasPrefix(ct, "font/") {
			gz.Reset()
			zw.Reset(&gz)
			if _, err := zw.Write(b); err != nil {
				return nil, err
			}
			if err := zw.Close(); err != nil {
				return nil, err
			}
			if gz.Len() < len(b) {
				f.gz = bytes.Clone(gz.Bytes())
				f.gzEtag = strings.TrimSuffix(f.etag, `"`) + `-gzip"`
			}
		}
		snap.files[name] = f
	}
	return snap, nil
}
