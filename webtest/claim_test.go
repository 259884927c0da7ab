package webtest_test

import (
	"strings"
	"testing"

	"github.com/go-rod/rod/lib/proto"

	"github.com/padron/padron/apptest"
	"github.com/padron/padron/campaign"
	"github.com/padron/padron/habeas"
	"github.com/padron/padron/schema"
)

// TestClaimFromTakenCedula: registering with a cédula someone else holds
// offers the claim form; following the link brings the cédula along, and
// filing the claim stores an open cedula_claims record and says what
// happens next. The error names nobody.
func TestClaimFromTakenCedula(t *testing.T) {
	e := newEnv(t)
	holder := e.cast.MemberA
	typed := "20.000.001" // MemberA's cédula, typed with dots
	if strings.ReplaceAll(typed, ".", "") != holder.Cedula {
		t.Fatalf("the cast changed: MemberA holds %s", holder.Cedula)
	}

	tb := open(t, e.srv.URL, "/registro", 390)
	tb.fill("name", "Ana Verdadera")
	tb.fill("cedula", typed)
	tb.fill("phone", "3105551234")
	tb.fill("password", "mi-cedula-es-mia")
	tb.fill("passwordConfirm", "mi-cedula-es-mia")
	tb.click("[name=data_policy_accepted]")
	tb.click("form button[type=submit]")
	errSel := ".field:has([name=cedula]) .field-error"
	tb.waitText(errSel, "ya está registrada")
	msg := tb.text(errSel)
	for _, leak := range []string{holder.Name, strings.Fields(holder.Name)[0], "300 123 4567", "3001234567"} {
		if strings.Contains(msg, leak) {
			t.Errorf("the taken-cédula error tells who holds it (%q): %q", leak, msg)
		}
	}
	links := mustEval(t, tb, `(s) => [...document.querySelectorAll(s + " a")].map((a) => a.innerText + " -> " + a.getAttribute("href")).join("\n")`, errSel).Str()
	for _, want := range []string{"inicia sesión -> /ingreso", "¿Es tu cédula? Repórtalo -> /reclamo?cedula=20.000.001"} {
		if !strings.Contains(links, want) {
			t.Errorf("the cédula error's links are %q, want %q", links, want)
		}
	}
	tb.axe("registro-cedula-registrada")
	tb.screenshot("registro-cedula-registrada", 390)

	mustEval(t, tb, `() => { window.__sameDocument = true }`)
	// A real click, with the mouse: the cédula field (focused on its error)
	// blurs first, and the error with its link must stay for the click to land.
	if got := mustEval(t, tb, `() => document.activeElement.name`).Str(); got != "cedula" {
		t.Errorf("focus after the server's error is on %q, want the cédula", got)
	}
	link, err := tb.Element(errSel + ` a[href^="/reclamo"]`)
	if err != nil {
		t.Fatal(err)
	}
	if err := link.Click(proto.InputMouseButtonLeft, 1); err != nil {
		t.Fatalf("click the claim link: %v", err)
	}
	tb.waitPath("/reclamo")
	tb.waitText("h1", "Reportar una cédula registrada por otra persona")
	if v := mustEval(t, tb, `() => document.querySelector("[name=cedula]").value`).Str(); v != typed {
		t.Errorf("the claim form's cédula is %q, want %q", v, typed)
	}
	mustEval(t, tb, `() => { if (!window.__sameDocument) throw new Error("the link reloaded the page") }`)

	// An empty required field is caught before any request.
	tb.click("form button[type=submit]")
	tb.until("focus on the name", `() => document.activeElement.name === "name" && document.activeElement.getAttribute("aria-invalid") === "true"`)
	tb.waitText(".field:has([name=data_policy_accepted]) .field-error", "Debes aceptar la política de tratamiento de datos personales para enviar tu reporte.")
	if n := claims(t, e); n != 0 {
		t.Fatalf("%d claims stored by a form with errors", n)
	}

	// The registration's habeas data part: the notice, the policy link and
	// the two authorisations labelled with the exact texts the server
	// hashes; messaging starts unticked.
	texts := habeas.TextsFor(campaign.Read(e.app))
	tb.waitText("[data-testid=privacy-notice]", "es responsable del tratamiento")
	tb.until("the exact texts", `(p, m) => document.querySelector('label[for^="c-data_policy_accepted"]').innerText === p &&
		document.querySelector('label[for^="c-contact_consent"]').innerText === m &&
		!document.querySelector("[name=contact_consent]").checked &&
		!!document.querySelector('.consents a[href="/politica-de-datos"]')`, texts.Processing.Text, texts.Messaging.Text)
	tb.screenshot("reclamo-autorizaciones", 390)
	tb.axe("reclamo-autorizaciones")

	tb.fill("name", "  Ana   Verdadera ")
	tb.fill("phone", "+57 310 555 1234")
	tb.fill("email", "ana@example.com")
	tb.fill("password", "mi-cedula-es-mia")
	tb.fill("passwordConfirm", "mi-cedula-es-mia")
	tb.click("[name=data_policy_accepted]")
	tb.click("[name=contact_consent]")
	tb.click("form button[type=submit]")
	tb.waitText("[data-testid=claim-done]", "Recibimos tu reporte")
	tb.waitText("[data-testid=claim-done]", "310 555 1234")
	tb.screenshot("reclamo-recibido", 390)
	tb.axe("reclamo-recibido")

	rec, err := e.app.FindFirstRecordByData(schema.ClaimsCollection, "cedula", holder.Cedula)
	if err != nil {
		t.Fatalf("no claim stored: %v", err)
	}
	if rec.GetString("status") != "open" || rec.GetString("name") != "Ana Verdadera" || rec.GetString("phone") != "3105551234" ||
		rec.GetString("email") != "ana@example.com" || !rec.ValidatePassword("mi-cedula-es-mia") {
		t.Errorf("stored claim %v", rec.FieldsData())
	}
	if rec.GetString("data_policy_version") != texts.Version || rec.GetString("data_policy_sha256") != texts.Processing.SHA256 ||
		!rec.GetBool("contact_consent") || rec.GetString("contact_consent_sha256") != texts.Messaging.SHA256 {
		t.Errorf("the claim's authorisations: version %q, processing %q, contact %v %q; want %q, %q, true %q",
			rec.GetString("data_policy_version"), rec.GetString("data_policy_sha256"), rec.GetBool("contact_consent"),
			rec.GetString("contact_consent_sha256"), texts.Version, texts.Processing.SHA256, texts.Messaging.SHA256)
	}
	if n := claims(t, e); n != 1 {
		t.Errorf("%d claims stored, want 1", n)
	}
	if _, err := e.app.FindRecordById(schema.UsersCollection, holder.ID); err != nil {
		t.Errorf("filing a claim touched the holder's account: %v", err)
	}
	tb.checkClean()
}

// TestClaimServerFieldError: the server's own per-field answer (a cédula
// nobody registered) lands on its field, with the way to the registration.
func TestClaimServerFieldError(t *testing.T) {
	e := newEnv(t)
	tb := open(t, e.srv.URL, "/reclamo", 1280)
	if v := mustEval(t, tb, `() => document.querySelector("[name=cedula]").value`).Str(); v != "" {
		t.Errorf("the cédula is prefilled with %q without a query", v)
	}
	tb.fill("name", "Jorge Nadie")
	tb.fill("cedula", "52.000.999") // valid, but nobody holds it: only the server knows
	tb.fill("phone", "3001112233")
	tb.fill("password", "clave-larga-9")
	tb.fill("passwordConfirm", "clave-larga-9")
	tb.click("[name=data_policy_accepted]")
	tb.click("form button[type=submit]")
	tb.waitText(".field:has([name=cedula]) .field-error", "Esta cédula no está registrada")
	tb.until("the cédula marked and focused", `() => document.activeElement.name === "cedula" && document.activeElement.getAttribute("aria-invalid") === "true"`)
	if href := mustEval(t, tb, `() => document.querySelector(".field:has([name=cedula]) .field-error a").getAttribute("href")`).Str(); href != "/registro" {
		t.Errorf("the unregistered cédula's link goes to %q", href)
	}
	tb.until("the form's alert", `() => !document.querySelector(".form-error").hidden`)
	if tb.text("[data-testid=claim-done]") != "" {
		t.Error("the success state shows after a refused claim")
	}
	if n := claims(t, e); n != 0 {
		t.Errorf("%d claims stored for an unregistered cédula", n)
	}

	tb.checkClean()

	// Guests only: a signed-in member is sent to their home, as from /registro.
	tb.login(e.cast.MemberB.Cedula, apptest.Password, true)
	tb.nav("/reclamo?cedula=20000002")
	tb.waitPath("/inicio")
}

// claims counts the stored cédula claims.
func claims(t *testing.T, e *env) int {
	t.Helper()
	n, err := e.app.CountRecords(schema.ClaimsCollection)
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

// TestClaimPolicyOutdated: when the policy changes while the claim form is
// open, the server refuses the texts the person read (policy_outdated) and
// the message lands on the authorisation; nothing is stored.
func TestClaimPolicyOutdated(t *testing.T) {
	e := newEnv(t)
	tb := open(t, e.srv.URL, "/reclamo?cedula=20000001", 1280)
	tb.waitText("[data-testid=privacy-notice]", "es responsable del tratamiento")
	tb.axe("reclamo-1280")
	tb.screenshot("reclamo-1280", 1280)
	rec, err := campaign.Load(e.app)
	if err != nil {
		t.Fatal(err)
	}
	rec.Set("policy_version", "2099-01")
	if err := e.app.Save(rec); err != nil {
		t.Fatal(err)
	}
	tb.fill("name", "Ana Verdadera")
	tb.fill("phone", "3105551234")
	tb.fill("password", "mi-cedula-es-mia")
	tb.fill("passwordConfirm", "mi-cedula-es-mia")
	tb.click("[name=data_policy_accepted]")
	tb.click("form button[type=submit]")
	tb.waitText(".field:has([name=data_policy_accepted]) .field-error", "Recarga la página")
	if n := claims(t, e); n != 0 {
		t.Errorf("%d claims stored with an outdated text", n)
	}
	tb.checkClean()
}
