package registrar

import (
	"bytes"
	"strings"

	"golang.org/x/net/html"
)

// blockMarkers are folded phrases that only the firewall's block pages carry.
// "challenge" is deliberately absent: the reCAPTCHA iframe title contains it.
var blockMarkers = []string{
	"request rejected",
	"the requested url was rejected",
	"your support id is",
	"se presento un evento de seguridad",
	"su id de soporte es",
}

// IsBlockPage reports whether body is the F5 firewall's block page (English
// default or the registrar's Spanish variant), whatever HTTP status came with it.
func IsBlockPage(body []byte) bool {
	if len(bytes.TrimSpace(body)) == 0 {
		return false
	}
	// A JSON answer is the site talking, not the firewall.
	if looksLikeJSON(body) {
		return false
	}
	text := fold(string(body))
	for _, m := range blockMarkers {
		if strings.Contains(text, m) {
			return true
		}
	}
	if !strings.Contains(text, "blocked") {
		return false
	}
	doc, err := html.Parse(bytes.NewReader(body))
	if err != nil {
		return false
	}
	// The Spanish variant: an h3 inside an element of class "blocked".
	found := false
	walk(doc, func(n *html.Node) bool {
		if found {
			return false
		}
		if n.Type == html.ElementNode && hasClass(n, "blocked") {
			walk(n, func(c *html.Node) bool {
				if c != n && c.Type == html.ElementNode && c.Data == "h3" {
					found = true
				}
				return !found
			})
			return false
		}
		return true
	})
	return found
}

// looksLikeJSON reports whether body starts like a JSON object, so a JSON
// answer is never mistaken for a page.
func looksLikeJSON(body []byte) bool {
	b := bytes.TrimSpace(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")))
	return len(b) > 0 && b[0] == '{'
}
