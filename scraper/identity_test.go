package scraper

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// TestBrowserIdentity checks what a lookup's page shows the site: a
// Colombian desktop Chrome on Windows, not an automated headless one.
func TestBrowserIdentity(t *testing.T) {
	var mu sync.Mutex
	var got http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = r.Header.Clone()
		mu.Unlock()
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte("<!DOCTYPE html><title>x</title><p>hola</p>"))
	}))
	defer srv.Close()

	b, err := launch(t.Context(), chromiumPath(t), filepath.Join(t.TempDir(), "profile"))
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := b.close(); err != nil {
			t.Errorf("close: %v", err)
		}
	}()
	s, err := openSession(t.Context(), b, userAgent(UserAgentDefault))
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	if err := s.page.Navigate(srv.URL); err != nil {
		t.Fatal(err)
	}
	obj, err := s.page.Eval(`async () => JSON.stringify({
		webdriver: navigator.webdriver === true,
		ua: navigator.userAgent,
		platform: navigator.platform,
		language: navigator.language,
		timezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
		hintsPlatform: navigator.userAgentData ? navigator.userAgentData.platform : '',
	})`)
	if err != nil {
		t.Fatal(err)
	}
	var id struct {
		Webdriver                                       bool
		UA, Platform, Language, Timezone, HintsPlatform string
	}
	if err := json.Unmarshal([]byte(obj.Value.Str()), &id); err != nil {
		t.Fatal(err)
	}
	if id.Webdriver || id.UA != UserAgentDefault || id.Platform != "Win32" || id.Language != "es-CO" ||
		id.Timezone != "America/Bogota" || id.HintsPlatform != "Windows" {
		t.Errorf("page sees %+v", id)
	}
	mu.Lock()
	defer mu.Unlock()
	if ua := got.Get("User-Agent"); ua != UserAgentDefault || strings.Contains(ua, "Headless") {
		t.Errorf("User-Agent header %q", ua)
	}
	if al := got.Get("Accept-Language"); !strings.HasPrefix(al, "es-CO") {
		t.Errorf("Accept-Language header %q", al)
	}
	if p := got.Get("Sec-Ch-Ua-Platform"); p != `"Windows"` {
		t.Errorf("Sec-CH-UA-Platform header %q", p)
	}
}
