package webtest_test

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"net/http"
	"strings"
	"testing"

	"github.com/padron/padron/cedula"
	pbpublic "github.com/padron/padron/pb_public"
	"github.com/padron/padron/schema"
)

// TestClientValidationMirrorsServer runs the app's validators in the
// browser on the inputs the server's rules are written for: the cédula
// against the cedula package itself, the rest against the README's rules.
func TestClientValidationMirrorsServer(t *testing.T) {
	e := newEnv(t)
	tb := open(t, e.srv.URL, "/ingreso", 390)
	call := func(fn string, args ...any) string {
		t.Helper()
		a, _ := json.Marshal(args)
		return mustEval(t, tb, `async (fn, args) => {
			const src = document.querySelector("script[type=module]").src.replace("main.js", "validate.js");
			const v = await import(src);
			return v[fn](...JSON.parse(args));
		}`, fn, string(a)).Str()
	}

	for _, in := range []string{"1102812122", "1.102.812.122", "1102 812 122", " 123 ", "", "   ", "...", "12a45", "12", "12345678901", "0123456", "1\u00a0102\u00a0812", "1-102-812",
		"1. 102", "-1400000505", "+1400000505", "1400000515.", "1400000515 .", ".1400000515", "1..102", "1,102,812", "1\t102"} {
		want := ""
		if _, err := cedula.Normalize(in); err != nil {
			ce, _ := cedula.AsError(err)
			want = ce.Message
		}
		if got := call("checkCedula", in); got != want {
			t.Errorf("checkCedula(%q) = %q, server says %q", in, got, want)
		}
	}

	// Names and phones: the server's own answer to a registration that
	// carries only that field (its message for the field, or none).
	server := func(field, value string) string {
		t.Helper()
		body, _ := json.Marshal(map[string]string{field: value})
		res, err := http.Post(e.srv.URL+"/api/collections/users/records", "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var out struct {
			Data map[string]struct{ Message string }
		}
		if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
			t.Fatal(err)
		}
		return out.Data[field].Message
	}
	for fn, field := range map[string]string{"checkName": "name", "checkPhone": "phone"} {
		for _, in := range map[string][]string{
			"name": {"María José Pérez", "  Ana   O'Neil-Ruiz ", "Ana O\u2019Neil", "Ｊｏｓé", "山田 はなこ", "Al", "A B",
				"Аna Pérez", "Ana\u200bMaría", "Ana\u0301\u0301\u0301", "Ana 2", "Ana -", "   "},
			"phone": {"3001234567", "+57 300 123 4567", "(300) 123-4567", "2001234567", "300 123 456x", "3+001234567"},
		}[field] {
			if got, want := call(fn, in), server(field, in); got != want {
				t.Errorf("%s(%q) = %q, server says %q", fn, in, got, want)
			}
		}
	}

	ok := func(fn string, in ...any) {
		t.Helper()
		if got := call(fn, in...); got != "" {
			t.Errorf("%s(%q) rejected valid input: %s", fn, in, got)
		}
	}
	bad := func(fn, wantPart string, in ...any) {
		t.Helper()
		if got := call(fn, in...); !strings.Contains(got, wantPart) {
			t.Errorf("%s(%q) = %q, want a message with %q", fn, in, got, wantPart)
		}
	}
	ok("checkName", "María José Pérez")
	ok("checkName", "  Ana   O'Neil-Ruiz ")
	ok("checkName", "Ñoño")
	bad("checkName", "Ingresa tu nombre", "   ")
	ok("checkName", "Ana O’Neil") // typographic apostrophe, folded
	ok("checkName", "Ｊｏｓé Ｌｕｉｓ")  // full-width letters, folded by NFKC
	ok("checkName", "山田 花子")
	ok("checkName", "山田 はなこ") // kanji with kana: one writing system
	bad("checkName", "al menos 3 letras", "Al")
	bad("checkName", "al menos 3 letras", "A B")
	bad("checkName", "como máximo 120", strings.Repeat("a", 121))
	bad("checkName", "un solo alfabeto", "Аna Pérez") // Cyrillic А
	bad("checkName", "solo puede tener letras", "Ana​María")
	bad("checkName", "solo puede tener letras", "Aná́́")
	bad("checkName", "solo puede tener letras", "Ana 2")
	bad("checkName", "solo puede tener letras", "Ana -")
	ok("checkPhone", "3001234567")
	ok("checkPhone", "+57 300 123 4567")
	ok("checkPhone", "(300) 123-4567")
	bad("checkPhone", "10 dígitos", "2001234567")
	bad("checkPhone", "10 dígitos", "300123456")
	bad("checkPhone", "10 dígitos", "300 123 456x")
	bad("checkPhone", "10 dígitos", "3+001234567")
	ok("checkPassword", "ocho-car")
	bad("checkPassword", "al menos 8", "siete77")
	bad("checkPassword", "al menos 8", strings.Repeat("ñ", 7)) // 14 bytes, 7 characters
	ok("checkPassword", strings.Repeat("ñ", 36))               // 72 bytes
	bad("checkPassword", "hasta 72 bytes", strings.Repeat("ñ", 37))
	ok("checkGoal", "0")
	ok("checkGoal", "100000")
	bad("checkGoal", "entre 0 y 100000", "100001")
	bad("checkGoal", "entre 0 y 100000", "-1")
	bad("checkGoal", "entre 0 y 100000", "2.5")
	tb.checkClean()
}

// TestPolicyVersionMatchesServer: the policy page shows the version the
// server records when someone accepts it.
func TestPolicyVersionMatchesServer(t *testing.T) {
	b, err := fs.ReadFile(pbpublic.FS, "assets/js/pages/politica.js")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `POLICY_VERSION = "`+schema.PolicyVersion+`"`) {
		t.Errorf("politica.js does not show schema.PolicyVersion %q", schema.PolicyVersion)
	}
}
