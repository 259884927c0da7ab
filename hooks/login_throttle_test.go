package hooks_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/padron/padron/apptest"
)

// TestLoginThrottlePerAccount guesses one account's password from a new
// address each time: the per-IP limit never trips, the per-account lock
// does, for a known and an unknown cédula alike, and a success resets it.
func TestLoginThrottlePerAccount(t *testing.T) {
	t.Parallel()
	c := apptest.Seeded(t)
	app := apptest.NewApp(t)
	app.Settings().TrustedProxy.Headers = []string{"X-Forwarded-For"}
	srv := apptest.Serve(t, app)

	ip := 0
	login := func(identity, password string) (int, map[string]any) {
		t.Helper()
		ip++
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/api/collections/users/auth-with-password",
			strings.NewReader(fmt.Sprintf(`{"identity":%q,"password":%q}`, identity, password)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Forwarded-For", fmt.Sprintf("203.0.113.%d", ip%250+1))
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		raw, _ := io.ReadAll(res.Body)
		var body map[string]any
		_ = json.Unmarshal(raw, &body)
		return res.StatusCode, body
	}
	lockedAnswer := func(name string, status int, body map[string]any) (string, float64) {
		t.Helper()
		data, _ := body["data"].(map[string]any)
		if status != http.StatusTooManyRequests || data["code"] != "login_locked" {
			t.Fatalf("%s: answered %d %v, want 429 login_locked", name, status, body)
		}
		retry, _ := data["retry_after"].(float64)
		if retry < 1 || retry > 15*60 {
			t.Errorf("%s: retry_after %v, want 1..900 s", name, retry)
		}
		msg, _ := body["message"].(string)
		if !strings.Contains(msg, "espera 15 minutos") {
			t.Errorf("%s: message %q does not say how long to wait in Spanish", name, msg)
		}
		return msg, retry
	}

	for i := range 10 {
		if status, body := login(c.MemberA.Cedula, "equivocada-"+fmt.Sprint(i)); status != http.StatusBadRequest {
			t.Fatalf("wrong password %d answered %d %v, want 400", i+1, status, body)
		}
	}
	status, body := login(c.MemberA.Cedula, apptest.Password)
	knownMsg, _ := lockedAnswer("right password on a locked account", status, body)
	status, body = login("20.000.001", apptest.Password) // the same account as typed with dots
	lockedAnswer("the same cédula with dots", status, body)

	for i := range 10 {
		if status, body := login("1999999999", "equivocada-"+fmt.Sprint(i)); status != http.StatusBadRequest {
			t.Fatalf("unknown cédula, attempt %d answered %d %v, want 400", i+1, status, body)
		}
	}
	status, body = login("1999999999", "otra")
	if unknownMsg, _ := lockedAnswer("unknown cédula", status, body); unknownMsg != knownMsg {
		t.Errorf("locked answers differ for a known and an unknown cédula:\n%q\n%q", knownMsg, unknownMsg)
	}

	if status, body := login(c.MemberB.Cedula, apptest.Password); status != http.StatusOK {
		t.Errorf("another account answered %d %v while MemberA is locked, want 200", status, body)
	}

	// A success forgets the failures before it.
	for range 9 {
		login(c.LeaderA.Cedula, "equivocada")
	}
	if status, body := login(c.LeaderA.Cedula, apptest.Password); status != http.StatusOK {
		t.Fatalf("right password after 9 failures answered %d %v, want 200", status, body)
	}
	for i := range 9 {
		if status, body := login(c.LeaderA.Cedula, "equivocada"); status != http.StatusBadRequest {
			t.Fatalf("failure %d after a success answered %d %v, want 400", i+1, status, body)
		}
	}
}
