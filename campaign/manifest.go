package campaign

import (
	_ "embed"
	"net/http"
	"strings"

	"github.com/pocketbase/pocketbase/core"
)

// shippedIcons are the app's own PNG icons, used when the campaign has no
// logo. Any version segment serves today's file (webapp's asset route).
var shippedIcons = []icon{
	{Src: "/assets/icons/img/icon-192.png", Sizes: "192x192", Type: "image/png"},
	{Src: "/assets/icons/img/icon-512.png", Sizes: "512x512", Type: "image/png"},
}

type icon struct {
	Src     string `json:"src"`
	Sizes   string `json:"sizes"`
	Type    string `json:"type"`
	Purpose string `json:"purpose,omitempty"`
}

type manifest struct {
	Name            string `json:"name"`
	ShortName       string `json:"short_name"`
	Description     string `json:"description"`
	Lang            string `json:"lang"`
	StartURL        string `json:"start_url"`
	Scope           string `json:"scope"`
	Display         string `json:"display"`
	BackgroundColor string `json:"background_color"`
	ThemeColor      string `json:"theme_color"`
	Icons           []icon `json:"icons"`
}

// serveManifest answers the web app manifest from the campaign record, so
// a change in the dashboard renames and recolours the installed app.
func serveManifest(e *core.RequestEvent) error {
	p := Read(e.App)
	m := manifest{
		Name: p.Name, ShortName: p.ShortName,
		Description: "Regístrate con tu cédula, invita a tus referidos y consulta tu lugar de votación.",
		Lang:        "es-CO", StartURL: "/", Scope: "/", Display: "standalone",
		BackgroundColor: "#f4f6f9", ThemeColor: p.PrimaryColor,
	}
	if p.LogoURL != "" {
		for _, size := range []string{"192x192", "512x512"} {
			m.Icons = append(m.Icons, icon{Src: p.LogoURL + "?thumb=" + size, Sizes: size, Purpose: "any"})
		}
	}
	m.Icons = append(m.Icons, shippedIcons...)
	e.Response.Header().Set("Content-Type", "application/manifest+json")
	e.Response.Header().Set("Cache-Control", "no-cache")
	return e.JSON(http.StatusOK, m)
}

//go:embed sw.js
var workerScript string

// serveWorker answers the service worker at the root, so its scope is the
// whole app; always revalidated, so a new one is picked up at once.
func serveWorker(e *core.RequestEvent) error {
	h := e.Response.Header()
	h.Set("Content-Type", "text/javascript; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	e.Response.WriteHeader(http.StatusOK)
	_, err := strings.NewReader(workerScript).WriteTo(e.Response)
	return err
}
