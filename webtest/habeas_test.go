package webtest_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/padron/padron/campaign"
	"github.com/padron/padron/habeas"
)

// setCampaign changes the campaign record as a superuser does in the
// dashboard (the record hooks run as for the records API).
func (e *env) setCampaign(t testing.TB, fields map[string]any) {
	t.Helper()
	rec, err := campaign.Load(e.app)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range fields {
		rec.Set(k, v)
	}
	if err := e.app.Save(rec); err != nil {
		t.Fatal(err)
	}
}

func (e *env) consents(t testing.TB, userID string) []*core.Record {
	t.Helper()
	recs, err := e.app.FindRecordsByFilter("consents", "user_id = {:id}", "created", 0, 0, map[string]any{"id": userID})
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// TestCampaignBrandAndHabeasData walks the campaign's own app at phone and
// laptop widths: the brand set in the dashboard on every page, the
// registration's two authorisations recorded with the hash of the text
// shown, the profile's record, messaging switch and export, a new policy
// version accepted at the next visit, and withdrawal, which deletes the
// account. Every screen passes axe.
func TestCampaignBrandAndHabeasData(t *testing.T) {
	e := newEnv(t)
	e.setCampaign(t, map[string]any{
		"name": "Campaña Río Claro", "short_name": "Río Claro", "primary_color": "#7a1f5c",
		"controller_name": "Movimiento Río Claro", "controller_id": "NIT 900.123.456-7",
		"controller_address": "Cra 7 # 12-34, Bogotá", "controller_email": "datos@rioclaro.test", "controller_phone": "6015550000",
		"election_date": "2026-03-08 17:00:00.000Z",
	})
	for i, width := range []int{390, 1280} {
		cedula := fmt.Sprintf("10987654%02d", i)
		tb := open(t, e.srv.URL, "/registro", width)

		// The brand, from the record, without a redeploy.
		tb.waitText(".brand-name", "Campaña Río Claro")
		tb.until("the campaign's title and colour", `() => document.title.endsWith("· Campaña Río Claro") &&
			getComputedStyle(document.documentElement).getPropertyValue("--blue").trim() === "#7a1f5c" &&
			document.querySelector('meta[name="theme-color"]').content === "#7a1f5c"`)
		manifest := mustEval(t, tb, `async () => { const r = await fetch(document.querySelector('link[rel="manifest"]').href); return await r.text(); }`).Str()
		if !strings.Contains(manifest, `"name":"Campaña Río Claro"`) || !strings.Contains(manifest, `"theme_color":"#7a1f5c"`) {
			t.Errorf("manifest: %s", manifest)
		}

		// Registration: the notice, the policy link and two authorisations
		// labelled with the exact texts; messaging starts unticked.
		texts := habeas.TextsFor(campaign.Read(e.app))
		tb.waitText("[data-testid=privacy-notice]", "Movimiento Río Claro es responsable")
		tb.until("the exact texts", `(p, m) => document.querySelector('label[for^="c-data_policy_accepted"]').innerText === p &&
			document.querySelector('label[for^="c-contact_consent"]').innerText === m &&
			!document.querySelector("[name=contact_consent]").checked &&
			!!document.querySelector('.consents a[href="/politica-de-datos"]')`, texts.Processing.Text, texts.Messaging.Text)
		tb.screenshot("habeas-registro", width)
		tb.axe("habeas-registro")
		tb.fill("name", "Rosa Nueva")
		tb.fill("cedula", cedula)
		tb.fill("phone", "3105550000")
		tb.fill("password", "una-clave-larga")
		tb.fill("passwordConfirm", "una-clave-larga")
		tb.click("[name=data_policy_accepted]")
		tb.click("[name=contact_consent]")
		tb.click("form button[type=submit]")
		tb.waitPath("/inicio")
		user, err := e.app.FindFirstRecordByData("users", "cedula", cedula)
		if err != nil {
			t.Fatal(err)
		}
		got := e.consents(t, user.Id)
		if len(got) != 2 || got[0].GetString("text_sha256") != texts.Processing.SHA256 || got[1].GetString("text_sha256") != texts.Messaging.SHA256 ||
			!got[0].GetBool("granted") || !got[1].GetBool("granted") || !user.GetBool("contact_consent") {
			t.Fatalf("registration's consents: %v (contact %v)", got, user.GetBool("contact_consent"))
		}

		// The profile: the record, the messaging switch, the export.
		tb.nav("/perfil")
		tb.until("the record", `() => document.querySelectorAll("[data-testid=consent-history] li").length === 2 &&
			document.querySelector("#contact-consent").checked && !document.querySelector("#contact-consent").disabled`)
		tb.screenshot("habeas-perfil", width)
		tb.axe("habeas-perfil")
		tb.click("#contact-consent")
		tb.until("the withdrawal of messaging", `() => document.querySelectorAll("[data-testid=consent-history] li").length === 3 &&
			document.querySelector("[data-testid=consent-history] li").innerText.includes("Retirada")`)
		if u, _ := e.app.FindRecordById("users", user.Id); u.GetBool("contact_consent") {
			t.Error("contact_consent still on")
		}

		for _, x := range []struct{ button, want string }{
			{"[data-testid=export-json]", `"cedula": "` + cedula + `"`},
			{"[data-testid=export-html]", "<h1>Mis datos personales</h1>"},
		} {
			download := tb.Browser().MustWaitDownload()
			tb.click(x.button)
			b := download()
			body := string(b)
			if x.button == "[data-testid=export-json]" {
				var pretty map[string]any
				if err := json.Unmarshal(b, &pretty); err != nil {
					t.Fatalf("export JSON: %v: %.200s", err, body)
				}
				p, _ := json.MarshalIndent(pretty, "", " ")
				body = string(p)
			}
			if !strings.Contains(body, x.want) || strings.Contains(body, "20000001") {
				t.Errorf("%s download: want %q, nobody else's data: %.400s", x.button, x.want, body)
			}
		}

		// A new policy version: the next visit asks for acceptance first.
		version := fmt.Sprintf("2027-%d", width)
		e.setCampaign(t, map[string]any{"policy_version": version})
		tb.nav("/referidos")
		tb.waitText("h1", "Actualizamos la política de datos")
		tb.waitText("[data-testid=accept-form]", "versión "+version)
		tb.screenshot("habeas-aceptar", width)
		tb.axe("habeas-aceptar")
		tb.click("form button[type=submit]") // unticked: said so, nothing sent
		tb.waitText(".field.check .field-error", "Marca la casilla")
		tb.click("[name=accept_policy]")
		tb.click("form button[type=submit]")
		tb.until("the page asked for", `() => location.pathname === "/referidos" && document.body.dataset.ready === "1" &&
			!document.querySelector("[data-testid=accept-form]")`)
		if u, _ := e.app.FindRecordById("users", user.Id); u.GetString("data_policy_version") != version {
			t.Errorf("accepted version %q, want %q", u.GetString("data_policy_version"), version)
		}
		if got := e.consents(t, user.Id); len(got) != 4 || got[3].GetString("policy_version") != version ||
			got[3].GetString("text_sha256") != habeas.TextsFor(campaign.Read(e.app)).Processing.SHA256 {
			t.Errorf("acceptance record: %v", got)
		}

		// The policy names the controller from the record.
		tb.nav("/politica-de-datos")
		tb.waitText("[data-testid=controller]", "NIT 900.123.456-7")
		tb.waitText("main", "diez (10) días hábiles")
		tb.waitText("main", "Después de la elección del 8 de marzo de 2026, la campaña programa el borrado")
		tb.screenshot("habeas-politica", width)
		tb.axe("habeas-politica")

		// Withdrawal: one button, one clear warning, then the account is gone.
		tb.nav("/perfil")
		tb.click(".habeas > button.danger")
		tb.waitText("[data-testid=withdraw-warning]", "no se puede deshacer")
		tb.until("the warning in the button's place", `() => !document.querySelector(".habeas > button.danger") &&
			document.activeElement === document.querySelector("[data-testid=withdraw-confirm]")`)
		tb.clickText("Cancelar")
		tb.until("the button back", `() => !document.querySelector("[data-testid=withdraw-warning]") &&
			document.activeElement === document.querySelector(".habeas > button.danger")`)
		tb.click(".habeas > button.danger")
		tb.waitText("[data-testid=withdraw-warning]", "no se puede deshacer")
		tb.screenshot("habeas-retiro", width)
		tb.axe("habeas-retiro")
		tb.click("[data-testid=withdraw-confirm]")
		tb.waitPath("/ingreso")
		if _, err := e.app.FindRecordById("users", user.Id); err == nil {
			t.Error("the account is still there after withdrawal")
		}
		if got := e.consents(t, user.Id); len(got) != 5 || got[4].GetBool("granted") || got[4].GetString("source") != habeas.SourceWithdrawal {
			t.Errorf("withdrawal record: %v", got)
		}
		tb.checkClean()
		e.setCampaign(t, map[string]any{"policy_version": "2026-12"})
	}
}

// TestServiceWorker: the installable app's worker takes control, keeps the
// shell and the assets, never an API answer, and realtime still arrives
// through a page it controls.
func TestServiceWorker(t *testing.T) {
	e := newEnv(t)
	tb := open(t, e.srv.URL, "", 390)
	tb.login(e.cast.MemberA.Cedula, "clave-segura-123", true)
	tb.until("the worker in control", `async () => { await navigator.serviceWorker.ready; return !!navigator.serviceWorker.controller; }`)
	tb.nav("/perfil")
	tb.until("the worker in control of the page", `() => !!navigator.serviceWorker.controller`)
	deadline := time.Now().Add(wait)
	for !subscribed(e.app, "cedula_info") {
		if time.Now().After(deadline) {
			t.Fatal("the page never subscribed to its census record")
		}
		time.Sleep(25 * time.Millisecond)
	}
	e.setInfo(t, e.cast.MemberA.ID, map[string]any{"status": "active", "municipio": "MEDELLIN", "puesto": "IE SAN JOSE"})
	tb.waitText("[data-testid=own-status]", "Habilitada")
	tb.waitText("main", "IE SAN JOSE")
	// Fetch an export and the realtime endpoint's neighbours through the
	// worker: none of them may end up in its cache.
	mustEval(t, tb, `async () => { await fetch("/api/me/export", { headers: { Authorization: JSON.parse(localStorage.getItem("padron_auth")).token } }); }`)
	keys := mustEval(t, tb, `async () => {
		const names = await caches.keys();
		const urls = [];
		for (const n of names) for (const r of await (await caches.open(n)).keys()) urls.push(new URL(r.url).pathname);
		return urls;
	}`).Arr()
	var paths []string
	shell, assets := false, false
	for _, k := range keys {
		p := k.Str()
		paths = append(paths, p)
		shell = shell || p == "/"
		assets = assets || strings.HasPrefix(p, "/assets/")
		if strings.HasPrefix(p, "/api/") || strings.HasPrefix(p, "/_/") {
			t.Errorf("the worker cached %s", p)
		}
	}
	if !shell || !assets {
		t.Errorf("cached %v: want the shell and the assets", paths)
	}
	tb.checkClean()
}

// subscribed reports whether some realtime client holds a subscription to
// a topic of collection.
func subscribed(app core.App, collection string) bool {
	for _, c := range app.SubscriptionsBroker().Clients() {
		for sub := range c.Subscriptions() {
			if strings.HasPrefix(sub, collection+"/") {
				return true
			}
		}
	}
	return false
}

// TestLightBrandColourStaysReadable: a campaign that picks a light colour
// (yellow) gets it as the browser's theme colour, while the header, the
// buttons and the links use it darkened just enough for WCAG AA: axe finds
// no contrast violation.
func TestLightBrandColourStaysReadable(t *testing.T) {
	e := newEnv(t)
	e.setCampaign(t, map[string]any{"name": "Campaña Amarilla", "primary_color": "#f5d90a"})
	for _, width := range []int{390, 1280} {
		tb := open(t, e.srv.URL, "/ingreso", width)
		tb.waitText(".brand-name", "Campaña Amarilla")
		tb.until("the theme colour as chosen", `() => document.querySelector('meta[name="theme-color"]').content === "#f5d90a"`)
		got := mustEval(t, tb, `async () => {
			const b = await import(document.querySelector("script[type=module]").src.replace("main.js", "brand.js"));
			const ink = getComputedStyle(document.documentElement).getPropertyValue("--blue").trim();
			return { ink, ratio: b.contrastWithWhite(ink), header: getComputedStyle(document.querySelector(".top")).backgroundColor };
		}`)
		if ink := got.Get("ink").Str(); ink == "#f5d90a" || got.Get("ratio").Num() < 4.5 {
			t.Errorf("the app paints with %s (contrast with white %.2f), want the yellow darkened to at least 4.5", ink, got.Get("ratio").Num())
		}
		tb.screenshot("marca-clara", width)
		tb.axe("marca-clara")
		tb.checkClean()
	}
}
