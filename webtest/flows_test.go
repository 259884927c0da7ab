package webtest_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-rod/rod/lib/input"
	"github.com/pocketbase/dbx"

	"github.com/padron/padron/apptest"
)

// TestRegisterByLinkLive: a person registers through a leader's short
// link and watches their own status go from in-flight to its answer without
// reloading, while the leader, in another browser context, sees the new row
// appear and update; the new member's referidos page shows no census data.
func TestRegisterByLinkLive(t *testing.T) {
	e := newLiveEnv(t)
	leader := open(t, e.srv.URL, "", 1280)
	leader.login(e.cast.LeaderA.Cedula, apptest.Password, true)
	leader.nav("/referidos")
	leader.waitText("[data-testid=referidos-table]", "Ana Referida")
	mustEval(t, leader, `() => { window.__sameDocument = true }`)

	m := open(t, e.srv.URL, "/r/"+e.cast.LeaderA.ReferralCode, 390)
	m.waitText(".invited", "Te invitó: Lucía")
	m.fill("name", "  Camila   Restrepo ")
	m.fill("cedula", "1.036.601.234") // the fake registrar finds this one in MEDELLIN, mesa 23
	m.fill("phone", "+57 311 555 0000")
	m.fill("password", "una-clave-larga")
	m.fill("passwordConfirm", "una-clave-larga")
	m.click("[name=data_policy_accepted]")
	m.click("form button[type=submit]")
	m.waitPath("/inicio")
	m.waitText("h1", "Hola, Camila")
	mustEval(t, m, `() => { window.__sameDocument = true }`)
	// The registrar is held: the check is queued or running.
	m.until("an in-flight status", `() => ["pending", "processing"].includes(document.querySelector("[data-testid=own-status]").dataset.status)`)

	leader.until("the new row", `() => !!document.querySelector("tr[data-status] td.name") &&
		[...document.querySelectorAll("tr[data-status]")].some((tr) => tr.innerText.includes("Camila Restrepo"))`)

	e.gate.open()
	m.until("the answer", `() => document.querySelector("[data-testid=own-status]").dataset.status === "active"`)
	m.waitText("[data-testid=own-status]", "Medellín") // the registrar's MEDELLIN, as people write it
	leader.until("the row's answer", `() => [...document.querySelectorAll("tr[data-status=active]")].some((tr) => tr.innerText.includes("Camila Restrepo") && tr.innerText.includes("mesa 23"))`)
	for _, tb := range []*tab{m, leader} {
		mustEval(t, tb, `() => { if (!window.__sameDocument) throw new Error("the page reloaded") }`)
	}

	// Someone registers with Camila's link: her referidos page shows the
	// name, live, and no census data.
	var code string
	rec, err := e.app.FindFirstRecordByData("users", "cedula", "1036601234")
	if err != nil {
		t.Fatal(err)
	}
	code = rec.GetString("referral_code")
	m.nav("/referidos")
	m.waitText("main", "Aún no tienes referidos")
	registerWithLink(t, e, "Tomás Gutiérrez", "1020304050", code)
	m.waitText("[data-testid=referidos-list]", "Tomás Gutiérrez")
	body := m.text("main")
	for _, leak := range []string{"1020304050", "1.020.304.050", "Habilitada", "En cola", "Consultando", "3001234567", "300 123 4567"} {
		if strings.Contains(body, leak) {
			t.Errorf("member's referidos page shows census or contact data %q:\n%s", leak, body)
		}
	}
	if n := mustEval(t, m, `() => document.querySelectorAll(".badge, table").length`).Int(); n != 0 {
		t.Errorf("member's referidos page has %d badges or tables", n)
	}
	m.checkClean()
	leader.checkClean()
}

// TestBulkRefreshCooldownLogout: a leader bulk-refreshes a mix of records and
// reads what was queued and skipped; a member's refresh hits the cooldown
// and the message counts down; logout ends the session.
func TestBulkRefreshCooldownLogout(t *testing.T) {
	e := newEnv(t)
	lead := e.cast.LeaderA.ID
	old := time.Now().Add(-2 * time.Hour).UTC()
	queued := e.addUser(t, "Rosa Error", "50000001", "member", lead)
	final := e.addUser(t, "Hugo Activo", "50000002", "member", lead)
	flight := e.addUser(t, "Inés Pendiente", "50000003", "member", lead)
	recent := e.addUser(t, "Raúl Reciente", "50000004", "member", lead)
	e.setInfo(t, queued, map[string]any{"status": "error", "error_message": "transient"})
	e.setInfo(t, final, map[string]any{"status": "active", "municipio": "CALI", "puesto": "COLEGIO", "mesa": "3", "fetched_at": old})
	e.setInfo(t, recent, map[string]any{"status": "timeout"})
	for _, id := range []string{queued, final, flight, e.cast.MemberA.ID} {
		backdate(t, e, id, old)
	}

	tb := open(t, e.srv.URL, "", 1280)
	tb.login(e.cast.LeaderA.Cedula, apptest.Password, true)
	tb.nav("/referidos")
	tb.until("five rows", `() => document.querySelectorAll("tr[data-status]").length === 5`)
	// Sorting by name, then filtering by tab.
	tb.clickText("Nombre")
	tb.until("rows sorted by name", `() => document.querySelector("tbody tr td.name").innerText === "Ana Referida" &&
		document.querySelector("th[aria-sort]").getAttribute("aria-sort") === "ascending"`)
	tb.click("button[data-group=proceso]")
	tb.until("the in-process tab", `() => [...document.querySelectorAll("tr[data-status]")].every((tr) => ["pending", "processing"].includes(tr.dataset.status)) &&
		document.querySelectorAll("tr[data-status]").length === 2`)
	tb.click("button[data-group=todos]")
	tb.click("#select-all")
	tb.waitText("main", "Consultar seleccionados (5)")
	tb.clickText("Consultar seleccionados")
	// Hugo (final), MemberA and Inés (pending: in flight), Raúl (cooldown), Rosa (queued).
	tb.waitText("#toasts", "1 consulta en cola. Omitidas: ")
	toast := tb.text("#toasts")
	for _, want := range []string{"1 ya verificada", "2 en curso", "1 consultada hace poco"} {
		if !strings.Contains(toast, want) {
			t.Errorf("bulk toast %q lacks %q", toast, want)
		}
	}
	// Per-row refresh of a record checked a moment ago: the server's reason,
	// with whose check it is.
	tb.click(`tr[data-id="` + recent + `"] .row-actions button`)
	tb.waitText("#toasts", "Raúl Reciente: Esta cédula se consultó hace muy poco")

	// The CSV export downloads with the session's token, BOM first.
	dir := t.TempDir()
	download := tb.Browser().Timeout(30 * time.Second).WaitDownload(dir)
	tb.clickText("Descargar CSV")
	info := download()
	if info == nil {
		t.Fatal("no CSV download")
	}
	csv, err := os.ReadFile(filepath.Join(dir, info.GUID))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(csv), "\ufeffnombre;") || !strings.Contains(string(csv), "Rosa Error;50000001") || !strings.HasPrefix(info.SuggestedFilename, "referidos-") {
		t.Errorf("CSV %q: %.200q", info.SuggestedFilename, csv)
	}

	tb.until("Rosa's row to turn pending live", `(id) => document.querySelector('tr[data-id="' + id + '"]').dataset.status === "pending"`, queued)
	if got := e.status(t, queued); got != "pending" {
		t.Errorf("queued record is %s", got)
	}
	tb.checkClean()

	// A member asks for a check of a record answered a moment ago.
	e.setInfo(t, e.cast.MemberA.ID, map[string]any{"status": "active", "municipio": "MEDELLIN", "fetched_at": time.Now().UTC()})
	m := open(t, e.srv.URL, "", 390)
	m.login(e.cast.MemberA.Cedula, apptest.Password, true)
	m.nav("/perfil")
	m.until("the active status", `() => document.querySelector("[data-testid=own-status]").dataset.status === "active"`)
	m.clickText("Consultar de nuevo")
	m.waitText(".cooldown", "Podrás consultar de nuevo en")
	first := mustEval(t, m, `() => Number(document.querySelector(".cooldown").dataset.left)`).Int()
	if first < 15 || first > 30 {
		t.Errorf("cooldown starts at %d s, want about 30", first)
	}
	m.until("the countdown to tick", `(n) => Number(document.querySelector(".cooldown").dataset.left) < n`, first)
	if !mustEval(t, m, `() => [...document.querySelectorAll("button")].find((b) => b.innerText.includes("Consultar de nuevo")).disabled`).Bool() {
		t.Error("refresh button enabled during the cooldown")
	}
	m.screenshot("perfil-cooldown", 390)

	// Logout: back to Ingreso, and the pages behind the login stay closed.
	m.clickText("Salir")
	m.waitPath("/ingreso")
	m.nav("/perfil")
	m.waitPath("/ingreso")
	if v := mustEval(t, m, `() => (localStorage.getItem("padron_auth") || "") + (sessionStorage.getItem("padron_auth") || "")`).Str(); v != "" {
		t.Errorf("session left in storage after logout: %.80s", v)
	}
	m.checkClean()
}

// backdate moves a census record's last activity into the past, so the
// refresh cooldown no longer applies (a raw update skips the autodate).
func backdate(t *testing.T, e *env, userID string, at time.Time) {
	t.Helper()
	_, err := e.app.DB().NewQuery("UPDATE cedula_info SET updated = {:at}, requested_at = '' WHERE user = {:u}").
		Bind(dbx.Params{"at": at.Format("2006-01-02 15:04:05.000Z"), "u": userID}).Execute()
	if err != nil {
		t.Fatal(err)
	}
}

// TestKeyboardOnlyRegistration registers with the keyboard alone: Tab to
// each field, type, Space on the policy, Enter to submit; an empty submit
// first puts the focus on the first field with an error.
func TestKeyboardOnlyRegistration(t *testing.T) {
	e := newEnv(t)
	tb := open(t, e.srv.URL, "/registro?ref="+e.cast.LeaderB.ReferralCode, 390)
	tb.waitText(".invited", "Bruno")
	kb := tb.Keyboard
	focused := func() string {
		return mustEval(t, tb, `() => document.activeElement ? (document.activeElement.name || document.activeElement.innerText || document.activeElement.tagName) : ""`).Str()
	}
	tabTo := func(name string) {
		t.Helper()
		for i := 0; i < 20; i++ {
			if focused() == name {
				return
			}
			if err := kb.Type(input.Tab); err != nil {
				t.Fatal(err)
			}
		}
		t.Fatalf("Tab never reached %q (at %q)", name, focused())
	}
	typeText := func(s string) {
		t.Helper()
		if err := tb.InsertText(s); err != nil {
			t.Fatal(err)
		}
	}

	// Submitting the empty form sends the focus to the first field in error.
	tabTo("Crear mi cuenta")
	if err := kb.Type(input.Enter); err != nil {
		t.Fatal(err)
	}
	tb.until("focus on the name", `() => document.activeElement.name === "name" && document.activeElement.getAttribute("aria-invalid") === "true"`)

	typeText("Valentina Ospina")
	tabTo("cedula")
	typeText("1.144.055.678")
	tabTo("phone")
	typeText("3205550101")
	tabTo("password")
	typeText("otra-clave-larga")
	tabTo("passwordConfirm")
	typeText("otra-clave-larga")
	tabTo("data_policy_accepted")
	if err := kb.Type(input.Space); err != nil {
		t.Fatal(err)
	}
	tabTo("Crear mi cuenta")
	if err := kb.Type(input.Enter); err != nil {
		t.Fatal(err)
	}
	tb.waitPath("/inicio")
	tb.waitText("h1", "Hola, Valentina")
	rec, err := e.app.FindFirstRecordByData("users", "cedula", "1144055678")
	if err != nil {
		t.Fatal(err)
	}
	if rec.GetString("referred_by") != e.cast.LeaderB.ID || rec.GetString("phone") != "3205550101" {
		t.Errorf("registered %v", rec.FieldsData())
	}
	tb.checkClean()
}

// TestRegistrationErrors: live validation mirrors the server; the server's
// own per-field errors (a taken cédula) land on their field; an unknown
// invitation code lets the person register without a referrer.
func TestRegistrationErrors(t *testing.T) {
	e := newEnv(t)
	tb := open(t, e.srv.URL, "/registro?ref=ZZZZZZZZ", 390)
	tb.waitText(".note", "No reconocemos este enlace")
	tb.fill("cedula", "0123")
	tb.until("the live cédula error", `() => document.querySelector("[name=cedula]").getAttribute("aria-invalid") === "true"`)
	tb.waitText(".field:has([name=cedula]) .field-error", "no puede empezar por cero")
	tb.fill("name", "Ana 2")
	if v := mustEval(t, tb, `() => document.querySelector("[name=name]").value`).Str(); v != "Ana " {
		t.Errorf("name filter kept %q", v)
	}
	tb.fill("name", "Sara Vélez")
	tb.fill("cedula", e.cast.MemberA.Cedula) // taken: only the server knows
	tb.fill("phone", "3001112233")
	tb.fill("password", "clave-larga-1")
	tb.fill("passwordConfirm", "clave-larga-1")
	tb.click("[name=data_policy_accepted]")
	tb.click("form button[type=submit]")
	tb.waitText(".field:has([name=cedula]) .field-error", "ya está registrada")
	tb.fill("cedula", "52000111")
	tb.click("form button[type=submit]")
	tb.waitPath("/inicio")
	rec, err := e.app.FindFirstRecordByData("users", "cedula", "52000111")
	if err != nil {
		t.Fatal(err)
	}
	if rec.GetString("referred_by") != "" {
		t.Errorf("unknown code gave a referrer %q", rec.GetString("referred_by"))
	}

	// Wrong password: the server's Spanish message.
	tb.clickText("Salir")
	tb.waitPath("/ingreso")
	tb.fill("identity", "52.000.111")
	tb.fill("password", "no-es-la-clave")
	tb.click("form button[type=submit]")
	tb.waitText(".form-error", "Cédula o contraseña incorrectas.")
	tb.checkClean()
}

// TestRegistrationTakenCedulaStays: the server's "cédula ya registrada"
// stays on its field, marked, when the form is sent within live
// validation's 400 ms of typing the cédula (in the same task at 390 px,
// typed and sent with the keyboard at 1280 px) and after the field loses
// focus; the form's "Revisa los datos marcados" never stands alone.
func TestRegistrationTakenCedulaStays(t *testing.T) {
	e := newEnv(t)
	for _, width := range []int{390, 1280} {
		tb := open(t, e.srv.URL, "/registro", width)
		tb.fill("name", "Sara Vélez")
		tb.fill("phone", "3001112233")
		tb.fill("password", "clave-larga-1")
		tb.fill("passwordConfirm", "clave-larga-1")
		tb.click("[name=data_policy_accepted]")
		if width == 390 {
			// Typed and sent at once: the live check is still waiting.
			mustEval(t, tb, `(v) => { const el = document.querySelector("[name=cedula]");
				el.focus(); el.value = v; el.dispatchEvent(new Event("input", { bubbles: true }));
				el.form.requestSubmit(); }`, e.cast.MemberA.Cedula)
		} else {
			tb.click("[name=cedula]")
			mustEval(t, tb, `() => document.querySelector("[name=cedula]").focus()`)
			if err := tb.InsertText(e.cast.MemberA.Cedula); err != nil {
				t.Fatal(err)
			}
			if err := tb.Keyboard.Type(input.Enter); err != nil {
				t.Fatal(err)
			}
		}
		const cedulaErr = ".field:has([name=cedula]) .field-error"
		tb.waitText(cedulaErr, "ya está registrada")
		// The field loses focus: Tab goes on to the error's first link.
		if err := tb.Keyboard.Type(input.Tab); err != nil {
			t.Fatal(err)
		}
		tb.until("the focus past the cédula", `() => document.activeElement !== document.querySelector("[name=cedula]")`)
		// For a second, well past the live check's 400 ms, the server's
		// error stays on the field and the form's alert is never alone.
		got := mustEval(t, tb, `() => new Promise((done) => {
			const input = document.querySelector("[name=cedula]");
			const line = document.querySelector("#" + input.getAttribute("aria-describedby").split(" ").pop());
			const alert = document.querySelector(".form-error");
			const end = Date.now() + 1000;
			const look = () => {
				if (line.hidden || !line.innerText.includes("Esta cédula ya está registrada")) return done("the field's error: " + (line.hidden ? "hidden" : line.innerText));
				if (input.getAttribute("aria-invalid") !== "true") return done("the field is no longer marked invalid");
				const marked = [...document.querySelectorAll(".field-error")].filter((p) => !p.hidden).length;
				if (!alert.hidden && alert.innerText.includes("Revisa los datos marcados") && marked === 0) return done("the alert alone");
				if (Date.now() > end) return done("");
				setTimeout(look, 20);
			};
			look();
		})`).Str()
		if got != "" {
			t.Errorf("%d px: after sending at once and leaving the field: %s", width, got)
		}
		tb.screenshot("registro-cedula-registrada", width)
		tb.axe("registro-cedula-registrada")
		// Once the cédula changes, its error goes, and so does the alert
		// that pointed at it.
		tb.fill("cedula", "52000111")
		tb.until("the cédula's error gone", `() => document.querySelector("[name=cedula]").getAttribute("aria-invalid") === null`)
		if got := mustEval(t, tb, `() => { const a = document.querySelector(".form-error");
			return a.hidden || !!document.querySelector("form [aria-invalid=true]") ? "" : a.innerText; }`).Str(); got != "" {
			t.Errorf("%d px: nothing marked, and the form still says %q", width, got)
		}
		tb.checkClean()
	}
}

// TestReconnectShowsTheTruth: the server goes away while a member watches
// their status; the page says so, reconnects when it is back and shows the
// change it missed.
func TestReconnectShowsTheTruth(t *testing.T) {
	e := newEnv(t)
	tb := open(t, e.srv.URL, "", 390)
	tb.login(e.cast.MemberB.Cedula, apptest.Password, true)
	tb.until("pending", `() => document.querySelector("[data-testid=own-status]").dataset.status === "pending"`)
	e.srv.stop()
	tb.until("the offline banner", `() => !document.getElementById("conn").hidden`)
	tb.screenshot("inicio-sin-conexion", 390)
	e.setInfo(t, e.cast.MemberB.ID, map[string]any{"status": "cancelled_other", "novedad": "Doble cedulación"})
	e.srv.start(t)
	tb.until("the missed change", `() => document.querySelector("[data-testid=own-status]").dataset.status === "cancelled_other"`)
	tb.until("the banner to go", `() => document.getElementById("conn").hidden`)
	// Live again: the next change arrives by itself.
	e.setInfo(t, e.cast.MemberB.ID, map[string]any{"status": "active", "municipio": "BOGOTA", "puesto": "CORFERIAS", "mesa": "7"})
	tb.waitText("[data-testid=own-status]", "CORFERIAS")
}

func registerWithLink(t *testing.T, e *env, name, cedula, ref string) {
	t.Helper()
	tb := open(t, e.srv.URL, "/registro?ref="+ref, 390)
	tb.waitText(".invited", "Te invitó")
	tb.fill("name", name)
	tb.fill("cedula", cedula)
	tb.fill("phone", "3001234567")
	tb.fill("password", "clave-larga-2")
	tb.fill("passwordConfirm", "clave-larga-2")
	tb.click("[name=data_policy_accepted]")
	tb.click("form button[type=submit]")
	tb.waitPath("/inicio")
}

// TestProfileEdits: a member edits name, phone and goal (goal 0 is no
// goal), gets the server's Spanish error for a wrong current password, and
// changes the password without being signed out.
func TestProfileEdits(t *testing.T) {
	e := newEnv(t)
	tb := open(t, e.srv.URL, "", 390)
	tb.login(e.cast.Loner.Cedula, apptest.Password, true)
	tb.nav("/perfil")
	tb.fill("name", "Carla   Sola Gómez")
	tb.fill("phone", "(315) 222-3344")
	tb.fill("referral_goal", "0")
	tb.clickText("Guardar cambios")
	tb.waitText("#toasts", "Cambios guardados.")
	rec, err := e.app.FindRecordById("users", e.cast.Loner.ID)
	if err != nil {
		t.Fatal(err)
	}
	if rec.GetString("name") != "Carla Sola Gómez" || rec.GetString("phone") != "3152223344" || rec.GetInt("referral_goal") != 0 {
		t.Errorf("saved %q %q %d", rec.GetString("name"), rec.GetString("phone"), rec.GetInt("referral_goal"))
	}
	tb.clickText("Inicio")
	tb.waitPath("/inicio")
	tb.waitText("h1", "Hola, Carla")
	tb.waitText("main", "No tienes una meta de referidos") // goal 0 is no goal, never "¡Meta cumplida!"
	if strings.Contains(tb.text("main"), "Meta cumplida") {
		t.Error("goal 0 reads as met")
	}

	tb.nav("/perfil")
	tb.fill("oldPassword", "no-es-la-clave")
	tb.fill("password", "clave-nueva-123")
	tb.fill("passwordConfirm", "clave-nueva-123")
	tb.clickText("Cambiar contraseña")
	tb.waitText(".field:has([name=oldPassword]) .field-error", "La contraseña actual no es correcta.")
	tb.fill("oldPassword", apptest.Password)
	tb.clickText("Cambiar contraseña")
	tb.waitText("#toasts", "Contraseña cambiada.")
	tb.nav("/inicio") // still signed in with the new token
	tb.waitText("h1", "Hola, Carla")
	tb.clickText("Salir")
	tb.login(e.cast.Loner.Cedula, "clave-nueva-123", false)
	tb.checkClean()
}

// TestRealtimeFirstConnectionFails: the page's very first realtime
// connection is refused (the SDK gives up on those); the app keeps trying,
// says so, and once connected shows changes live.
func TestRealtimeFirstConnectionFails(t *testing.T) {
	e := newEnv(t)
	e.srv.refuseRealtime.Store(true)
	tb := open(t, e.srv.URL, "", 390)
	tb.login(e.cast.MemberB.Cedula, apptest.Password, true)
	tb.until("the offline banner", `() => !document.getElementById("conn").hidden`)
	e.setInfo(t, e.cast.MemberB.ID, map[string]any{"status": "not_found"})
	e.srv.refuseRealtime.Store(false)
	tb.until("the change made while offline", `() => document.querySelector("[data-testid=own-status]").dataset.status === "not_found"`)
	tb.until("the banner to go", `() => document.getElementById("conn").hidden`)
	e.setInfo(t, e.cast.MemberB.ID, map[string]any{"status": "active", "puesto": "CORFERIAS"})
	tb.waitText("[data-testid=own-status]", "CORFERIAS")
}
