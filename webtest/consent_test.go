package webtest_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/padron/padron/apptest"
)

// waShown is whether the element at the selector holds a WhatsApp link on
// screen (present and not hidden), and its href.
const waShown = `(s) => { const a = document.querySelector(s + " a[href^='https://wa.me/']");
	return a && !a.hidden && !a.closest("[hidden]") ? a.href : ""; }`

// setMessaging signs person in on a tab of their own and ticks (give) or
// unticks the messaging authorisation on /perfil, waiting for the server's
// answer.
func setMessaging(t *testing.T, e *env, cedula string, width int, give bool) {
	t.Helper()
	tb := open(t, e.srv.URL, "", width)
	tb.login(cedula, apptest.Password, true)
	tb.nav("/perfil")
	tb.until("the messaging authorisation as it was", `(give) => { const c = document.querySelector("#contact-consent"); return !!c && !c.disabled && c.checked === !give; }`, give)
	tb.click("#contact-consent")
	tb.until("the change answered", `(give) => { const c = document.querySelector("#contact-consent"); return !c.disabled && c.checked === give; }`, give)
}

// TestWhatsAppOnlyWithConsent: a leader is offered WhatsApp for a person
// only while that person's messaging authorisation is in force (SIC
// Circular 002/2026), on the worklist and on Día D's pendientes; without
// it, the call and "No autorizó mensajes". A person who withdraws it on
// /perfil loses the worklist's link live (the users subscription) and Día
// D's live too (the dia-d topic), without a reload; giving it again brings
// Día D's link back the same way, and a person who withdraws every
// authorisation (deleting their account) leaves Día D's list live.
func TestWhatsAppOnlyWithConsent(t *testing.T) {
	for _, width := range []int{390, 1280} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			e, people := diadEnv(t)
			pedro, maria := people[1], people[2]
			lead := e.cast.LeaderA.ID
			oscar := e.addUser(t, "Óscar Ausente", "60000002", "member", lead)
			ivan := e.addUser(t, "Iván Inhábil", "60000003", "member", lead)
			for _, id := range []string{oscar, ivan} {
				e.setInfo(t, id, map[string]any{"status": "not_found"})
			}
			for _, id := range []string{oscar, pedro} { // the only two who authorised messages
				u, err := e.app.FindRecordById("users", id)
				if err != nil {
					t.Fatal(err)
				}
				if u.Set("contact_consent", true); e.app.Save(u) != nil {
					t.Fatal("contact_consent not saved")
				}
			}

			tb := open(t, e.srv.URL, "", width)
			tb.login(e.cast.LeaderA.Cedula, apptest.Password, true)

			// The worklist: Óscar gets WhatsApp with the prewritten text, Iván the hint.
			li := func(id string) string { return `[data-testid=worklist] li[data-id="` + id + `"]` }
			tb.until("Óscar's WhatsApp link", `(s) => !!(`+waShown+`)(s)`, li(oscar))
			href := mustEval(t, tb, waShown, li(oscar)).Str()
			if u, err := url.Parse(href); err != nil || u.Host != "wa.me" || u.Path != "/573101234567" ||
				!strings.HasPrefix(u.Query().Get("text"), "Hola Óscar") || !strings.Contains(u.Query().Get("text"), "no aparece en el censo") {
				t.Errorf("Óscar's WhatsApp link %q", href)
			}
			tb.waitText(li(ivan), "No autorizó mensajes")
			if got := mustEval(t, tb, waShown, li(ivan)).Str(); got != "" {
				t.Errorf("Iván, without the authorisation, is offered WhatsApp: %q", got)
			}
			if tel := mustEval(t, tb, `(s) => document.querySelector(s + " a[href^='tel:']")?.getAttribute("href")`, li(ivan)).Str(); tel != "tel:+573101234567" {
				t.Errorf("Iván's call link %q", tel)
			}
			if mustEval(t, tb, `(s) => { const n = document.querySelector(s); return !!n && !n.closest("[hidden]"); }`, li(oscar)+" [data-testid=no-wa]").Bool() {
				t.Error("Óscar, who authorised messages, is told he did not")
			}
			tb.screenshot("consent-worklist", width)
			tb.axe(fmt.Sprintf("worklist with and without consent at %d px", width))

			// Día D: Pedro gets WhatsApp, María the call and the hint.
			row := func(id string) string { return `.pend-row[data-person="` + id + `"]` }
			tb.nav("/dia-d")
			tb.until("the pendientes", `(s) => !!document.querySelector(s)`, row(maria))
			href = mustEval(t, tb, waShown, row(pedro)).Str()
			if u, err := url.Parse(href); err != nil || u.Path != "/573101234567" || !strings.Contains(u.Query().Get("text"), "hoy es el día de votar") {
				t.Errorf("Pedro's Día D WhatsApp link %q", href)
			}
			if got := mustEval(t, tb, waShown, row(maria)).Str(); got != "" {
				t.Errorf("María, without the authorisation, is offered WhatsApp on Día D: %q", got)
			}
			tb.waitText(row(maria)+" [data-testid=no-wa]", "No autorizó mensajes")
			if !mustEval(t, tb, `(s) => !!document.querySelector(s + " a[href='tel:+573101234567']")`, row(maria)).Bool() {
				t.Error("María has no call link on Día D")
			}
			tb.screenshot("consent-dia-d", width)
			tb.axe(fmt.Sprintf("Día D with and without consent at %d px", width))

			// Óscar withdraws on /perfil: the worklist drops his link live.
			tb.nav("/inicio")
			tb.until("Óscar's WhatsApp link again", `(s) => !!(`+waShown+`)(s)`, li(oscar))
			setMessaging(t, e, "60000002", width, false)
			tb.until("Óscar's link gone live", `(s) => { const n = document.querySelector(s + " [data-testid=no-wa]");
				return !(`+waShown+`)(s) && !!n && !n.closest("[hidden]") && n.innerText.startsWith("No autorizó mensajes"); }`, li(oscar))

			// Pedro withdraws with Día D open: his link goes live, no reload;
			// he gives it again: it comes back the same way.
			tb.nav("/dia-d")
			tb.until("Pedro's Día D link", `(s) => !!(`+waShown+`)(s)`, row(pedro))
			mustEval(t, tb, `() => { window.sameLoad = true; }`)
			setMessaging(t, e, "30000001", width, false)
			tb.until("Pedro's Día D link gone live", `(s) => { const n = document.querySelector(s + " [data-testid=no-wa]");
				return !(`+waShown+`)(s) && !!n && n.innerText.startsWith("No autorizó mensajes"); }`, row(pedro))
			if got := mustEval(t, tb, waShown, row(maria)).Str(); got != "" {
				t.Errorf("María, never authorised, is offered WhatsApp on Día D: %q", got)
			}
			tb.screenshot("consent-dia-d-withdrawn", width)
			setMessaging(t, e, "30000001", width, true)
			tb.until("Pedro's Día D link back live", `(s) => !!(`+waShown+`)(s) && !document.querySelector(s + " [data-testid=no-wa]")`, row(pedro))
			tb.axe(fmt.Sprintf("Día D after a live consent change at %d px", width))

			// María withdraws every authorisation (her account is deleted):
			// her row leaves Día D live.
			mt := open(t, e.srv.URL, "", width)
			mt.login("30000002", apptest.Password, true)
			mt.nav("/perfil")
			mt.click(".habeas > button.danger")
			mt.click("[data-testid=withdraw-confirm]")
			mt.waitPath("/ingreso")
			tb.until("María's row gone live", `(s) => !document.querySelector(s)`, row(maria))
			if !mustEval(t, tb, `(s) => !!document.querySelector(s)`, row(pedro)).Bool() {
				t.Error("Pedro's row left Día D with María's")
			}
			if !mustEval(t, tb, `() => window.sameLoad === true`).Bool() {
				t.Error("Día D was reloaded: want it to follow the people live")
			}
			if u, _ := e.app.FindRecordById("users", oscar); u == nil || u.GetBool("contact_consent") {
				t.Error("Óscar's contact_consent still on")
			}
			if u, _ := e.app.FindRecordById("users", pedro); u == nil || !u.GetBool("contact_consent") {
				t.Error("Pedro's contact_consent off after he gave it again")
			}
			tb.checkClean()
		})
	}
}
