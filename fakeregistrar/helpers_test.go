package fakeregistrar

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// desktopUA is a realistic desktop Chrome user agent, which the firewall lets through.
const desktopUA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"

// headlessUA is headless Chrome's default user agent, which the firewall blocks.
const headlessUA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/124.0.0.0 Safari/537.36"

// setup starts a fake registrar for one test and closes it afterwards.
func setup(t *testing.T, cfg Config) *Running {
	t.Helper()
	run, err := Start(t.Context(), "127.0.0.1:0", cfg)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if err := run.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return run
}

// client is a browser-like HTTP client: a cookie jar and a fixed user agent.
type client struct {
	t  *testing.T
	hc *http.Client
	ua string
}

func newClient(t *testing.T, ua string) *client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &client{t: t, hc: &http.Client{Jar: jar}, ua: ua}
}

func (c *client) do(req *http.Request) (int, []byte, http.Header) {
	c.t.Helper()
	if c.ua != "" {
		req.Header.Set("User-Agent", c.ua)
	} else {
		req.Header["User-Agent"] = []string{""} // Go would otherwise send its own
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatalf("read body: %v", err)
	}
	return resp.StatusCode, b, resp.Header
}

func (c *client) get(url string) (int, []byte, http.Header) {
	c.t.Helper()
	req, err := http.NewRequestWithContext(c.t.Context(), http.MethodGet, url, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	return c.do(req)
}

// wspForm loads the legacy page and returns the nonce in input#token.
func (c *client) wspForm(url string) string {
	c.t.Helper()
	status, body, _ := c.get(url)
	if status != http.StatusOK {
		c.t.Fatalf("GET %s: HTTP %d", url, status)
	}
	doc := parseHTML(c.t, body)
	tok := byID(doc, "token")
	if tok == nil || attrOf(tok, "value") == "" {
		c.t.Fatalf("no nonce in page:\n%s", body)
	}
	return attrOf(tok, "value")
}

// postWSP submits the form the way the page's script does (multipart).
func (c *client) postWSP(url, nuip, token, captcha string) (int, []byte) {
	c.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range map[string]string{"nuip": nuip, "tipo": "-1", "token": token, "g-recaptcha-response": captcha} {
		if err := mw.WriteField(k, v); err != nil {
			c.t.Fatal(err)
		}
	}
	if err := mw.Close(); err != nil {
		c.t.Fatal(err)
	}
	req, err := http.NewRequestWithContext(c.t.Context(), http.MethodPost, url, &buf)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("X-Requested-With", "XMLHttpRequest")
	status, body, _ := c.do(req)
	return status, body
}

// postAPI calls the 2026 API the way its page does.
func (c *client) postAPI(ctx context.Context, url, id, bearer string) (int, []byte, http.Header) {
	c.t.Helper()
	b, _ := json.Marshal(map[string]string{"identification": id, "identification_type": "CC",
		"election_code": "congreso", "module": "polling_place", "platform": "web"})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(b))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", "http://127.0.0.1:9")
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	return c.do(req)
}

// lookup runs one complete lookup of cedula on source with a fresh captcha
// token and returns the site's answer.
func (c *client) lookup(run *Running, source, cedula string) (int, []byte) {
	c.t.Helper()
	tok := "tok-" + randomHex(12)
	if source == SourceWSP {
		nonce := c.wspForm(run.WSPURL())
		return c.postWSP(run.WSPURL(), cedula, nonce, tok)
	}
	status, body, _ := c.postAPI(c.t.Context(), run.EleccionesAPIURL(), cedula, tok)
	return status, body
}

func parseHTML(t *testing.T, b []byte) *html.Node {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func attrOf(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// find returns every element under n that match reports true for.
func find(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	var rec func(*html.Node)
	rec = func(n *html.Node) {
		if n.Type == html.ElementNode && match(n) {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			rec(c)
		}
	}
	rec(n)
	return out
}

func byID(n *html.Node, id string) *html.Node {
	if m := find(n, func(e *html.Node) bool { return attrOf(e, "id") == id }); len(m) > 0 {
		return m[0]
	}
	return nil
}

func text(n *html.Node) string {
	var b strings.Builder
	var rec func(*html.Node)
	rec = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			rec(c)
		}
	}
	rec(n)
	return strings.TrimSpace(b.String())
}
