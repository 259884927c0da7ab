package campaign_test

import (
	"bytes"
	"encoding/json"
	"io"
	"io/fs"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"github.com/padron/padron/apptest"
	"github.com/padron/padron/campaign"
	pbpublic "github.com/padron/padron/pb_public"
)

func auth(p apptest.Person) map[string]string { return map[string]string{"Authorization": p.Token} }

func campaignID(t *testing.T) string {
	t.Helper()
	app := apptest.NewApp(t)
	defer app.Cleanup()
	rec, err := campaign.Load(app)
	if err != nil {
		t.Fatal(err)
	}
	return rec.Id
}

// TestCampaignRules: anyone, anonymous included, reads the public fields
// (never the purge schedule); only superusers write; the record stays one.
func TestCampaignRules(t *testing.T) {
	t.Parallel()
	c := apptest.Seeded(t)
	id := campaignID(t)
	one := "/api/collections/campaign/records/" + id
	scenarios := []tests.ApiScenario{
		{Name: "anonymous reads the public fields", Method: http.MethodGet, URL: "/api/collections/campaign/records",
			ExpectedStatus: 200,
			ExpectedContent: []string{`"totalItems":1`, `"name":"Padrón"`, `"primary_color":"#0b4f8a"`, `"controller_name":""`,
				`"policy_version":"2026-12"`, `"election_date":""`},
			NotExpectedContent: []string{`purge_`}},
		{Name: "a member reads one", Method: http.MethodGet, URL: one, Headers: auth(c.MemberA),
			ExpectedStatus: 200, ExpectedContent: []string{`"name":"Padrón"`}, NotExpectedContent: []string{`purge_`}},
		{Name: "a superuser sees the schedule", Method: http.MethodGet, URL: one, Headers: auth(c.Superuser),
			ExpectedStatus: 200, ExpectedContent: []string{`"purge_all_at":""`, `"purge_evidence_at":""`}},
		{Name: "anonymous cannot write", Method: http.MethodPatch, URL: one, Body: strings.NewReader(`{"name":"Otra"}`),
			ExpectedStatus: 403, ExpectedContent: []string{`"status":403`}},
		{Name: "a leader cannot write", Method: http.MethodPatch, URL: one, Headers: auth(c.LeaderA), Body: strings.NewReader(`{"name":"Otra"}`),
			ExpectedStatus: 403, ExpectedContent: []string{`"status":403`}},
		{Name: "a member cannot create", Method: http.MethodPost, URL: "/api/collections/campaign/records", Headers: auth(c.MemberA),
			Body:           strings.NewReader(`{"name":"Otra","primary_color":"#000000","policy_version":"x"}`),
			ExpectedStatus: 403, ExpectedContent: []string{`"status":403`}},
		{Name: "a superuser writes", Method: http.MethodPatch, URL: one, Headers: auth(c.Superuser),
			Body:           strings.NewReader(`{"name":"Campaña Verde","primary_color":"#1d5c2e","controller_name":"Partido Verde","controller_id":"NIT 900.123.456-7"}`),
			ExpectedStatus: 200, ExpectedContent: []string{`"name":"Campaña Verde"`, `"controller_id":"NIT 900.123.456-7"`},
			ExpectedEvents: map[string]int{"OnRecordUpdateRequest": 1, "OnModelAfterUpdateSuccess": 1}},
		{Name: "a colour must be #rrggbb", Method: http.MethodPatch, URL: one, Headers: auth(c.Superuser),
			Body: strings.NewReader(`{"primary_color":"red"}`), ExpectedStatus: 400, ExpectedContent: []string{`"primary_color"`}},
		{Name: "no second record", Method: http.MethodPost, URL: "/api/collections/campaign/records", Headers: auth(c.Superuser),
			Body:           strings.NewReader(`{"name":"Otra","primary_color":"#000000","policy_version":"x"}`),
			ExpectedStatus: 400, ExpectedContent: []string{`"code":"campaign_exists"`}},
		{Name: "never deleted", Method: http.MethodDelete, URL: one, Headers: auth(c.Superuser),
			ExpectedStatus: 400, ExpectedContent: []string{`"code":"campaign_required"`}},
		{Name: "no deletion scheduled before the election", Method: http.MethodPatch, URL: one, Headers: auth(c.Superuser),
			Body:           strings.NewReader(`{"election_date":"2026-03-08 12:00:00Z","purge_all_at":"2026-03-01 12:00:00Z"}`),
			ExpectedStatus: 400, ExpectedContent: []string{`"purge_all_at":{"code":"purge_before_election"`}},
		{Name: "deletion scheduled after the election", Method: http.MethodPatch, URL: one, Headers: auth(c.Superuser),
			Body:           strings.NewReader(`{"election_date":"2026-03-08 12:00:00Z","purge_all_at":"2026-04-08 12:00:00Z"}`),
			ExpectedStatus: 200, ExpectedContent: []string{`"purge_all_at":"2026-04-08 12:00:00.000Z"`}},
		{Name: "the manifest: Padrón's by default", Method: http.MethodGet, URL: "/manifest.webmanifest",
			ExpectedStatus: 200,
			ExpectedContent: []string{`"name":"Padrón"`, `"theme_color":"#0b4f8a"`, `"display":"standalone"`,
				`"src":"/assets/icons/img/icon-192.png","sizes":"192x192"`, `"sizes":"512x512"`}},
		{Name: "the service worker leaves the API alone", Method: http.MethodGet, URL: "/sw.js",
			ExpectedStatus: 200, ExpectedContent: []string{`p.startsWith("/api/")`, `addEventListener("fetch"`}},
	}
	for _, s := range scenarios {
		s.TestAppFactory = func(t testing.TB) *tests.TestApp { return apptest.NewApp(t) }
		s.Test(t)
	}
}

// TestBrandingWithoutRedeploy: a superuser's change in the dashboard (the
// records API) shows in the manifest and the public record at once, logo
// included, on the same running server.
func TestBrandingWithoutRedeploy(t *testing.T) {
	t.Parallel()
	c := apptest.Seeded(t)
	app := apptest.NewApp(t)
	defer app.Cleanup()
	srv := apptest.Serve(t, app)
	rec, err := campaign.Load(app)
	if err != nil {
		t.Fatal(err)
	}
	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	for k, v := range map[string]string{"name": "Campaña Río", "short_name": "Río", "primary_color": "#7a1f5c"} {
		_ = mw.WriteField(k, v)
	}
	logo, err := fs.ReadFile(pbpublic.FS, "assets/img/icon-192.png")
	if err != nil {
		t.Fatal(err)
	}
	fw, _ := mw.CreateFormFile("logo", "logo.png")
	_, _ = fw.Write(logo)
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPatch, srv.URL+"/api/collections/campaign/records/"+rec.Id, &form)
	req.Header.Set("Authorization", c.Superuser.Token)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("PATCH campaign: %d", res.StatusCode)
	}
	res, err = http.Get(srv.URL + "/manifest.webmanifest")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var m struct {
		ShortName  string `json:"short_name"`
		ThemeColor string `json:"theme_color"`
		Icons      []struct {
			Src string `json:"src"`
		} `json:"icons"`
	}
	body, _ := io.ReadAll(res.Body)
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(body), `"name":"Campaña Río"`) || m.ShortName != "Río" || m.ThemeColor != "#7a1f5c" {
		t.Errorf("manifest after the change: %s", body)
	}
	if ct := res.Header.Get("Content-Type"); ct != "application/manifest+json" {
		t.Errorf("manifest Content-Type %q", ct)
	}
	// The logo comes first, as thumbs anyone may fetch; the shipped icons follow.
	if len(m.Icons) != 4 || !strings.Contains(m.Icons[0].Src, "/api/files/") {
		t.Fatalf("icons: %+v", m.Icons)
	}
	img, err := http.Get(srv.URL + m.Icons[0].Src)
	if err != nil {
		t.Fatal(err)
	}
	img.Body.Close()
	if img.StatusCode != 200 || !strings.HasPrefix(img.Header.Get("Content-Type"), "image/png") {
		t.Errorf("logo %s: %d %q", m.Icons[0].Src, img.StatusCode, img.Header.Get("Content-Type"))
	}
}

// TestLogoImagesOnly: the logo must be a PNG, JPEG or WebP image of at most
// 512 KiB; an SVG (which could carry script) or a text file is refused.
func TestLogoImagesOnly(t *testing.T) {
	t.Parallel()
	c := apptest.Seeded(t)
	id := campaignID(t)
	upload := func(name, content string) (io.Reader, map[string]string) {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		fw, _ := mw.CreateFormFile("logo", name)
		_, _ = fw.Write([]byte(content))
		_ = mw.Close()
		return &b, map[string]string{"Authorization": c.Superuser.Token, "Content-Type": mw.FormDataContentType()}
	}
	svgBody, svgHeaders := upload("logo.svg", `<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)
	big := "\x89PNG\r\n\x1a\n" + strings.Repeat("x", 600<<10)
	bigBody, bigHeaders := upload("big.png", big)
	for _, s := range []tests.ApiScenario{
		{Name: "svg refused", Method: http.MethodPatch, URL: "/api/collections/campaign/records/" + id, Body: svgBody, Headers: svgHeaders,
			ExpectedStatus: 400, ExpectedContent: []string{`"logo":{"code":"validation_invalid_mime_type"`}},
		{Name: "too big refused", Method: http.MethodPatch, URL: "/api/collections/campaign/records/" + id, Body: bigBody, Headers: bigHeaders,
			ExpectedStatus: 400, ExpectedContent: []string{`"logo":{"code":`}},
	} {
		s.TestAppFactory = func(t testing.TB) *tests.TestApp { return apptest.NewApp(t) }
		s.Test(t)
	}
}
