package hooks_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"github.com/padron/padron/apptest"
)

// TestPasswordLengthInBytes registers with passwords of letters that take
// two bytes: the limit is bcrypt's, in bytes, and the error says so with a
// field code, whatever the length.
func TestPasswordLengthInBytes(t *testing.T) {
	t.Parallel()
	reg := func(name, pw string, status int, content ...string) tests.ApiScenario {
		q := strconv.Quote(pw)
		return tests.ApiScenario{
			Name: name, Method: http.MethodPost, URL: "/api/collections/users/records",
			Body:           body("password", q, "passwordConfirm", q),
			ExpectedStatus: status, ExpectedContent: content, TestAppFactory: factory,
		}
	}
	tooLong := []string{`"password":{"code":"password_length"`, "72 bytes", "tilde cuentan doble"}
	for _, s := range []tests.ApiScenario{
		reg("8 letters with tildes (16 bytes)", strings.Repeat("ñ", 8), 200, `"cedula":"1102812122"`),
		reg("36 letters with tildes (72 bytes)", strings.Repeat("ñ", 36), 200, `"cedula":"1102812122"`),
		reg("72 plain letters (72 bytes)", strings.Repeat("a", 72), 200, `"cedula":"1102812122"`),
		reg("73 plain letters (73 bytes)", strings.Repeat("a", 73), 400, tooLong...),
		reg("37 letters with tildes (74 bytes)", strings.Repeat("ñ", 37), 400, tooLong...),
		reg("40 letters with tildes (80 bytes)", strings.Repeat("ñ", 40), 400, tooLong...),
		reg("200 letters with tildes", strings.Repeat("ñ", 200), 400, tooLong...),
		reg("7 letters with tildes (14 bytes)", strings.Repeat("ñ", 7), 400, `"password":{"code":"password_length"`, "al menos 8"),
	} {
		s.Test(t)
	}
}

// TestPasswordChangeInBytes: a member changing their password meets the
// registration's rule (72 bytes, not PocketBase's 71 characters); the new
// one opens the account and the old sessions end.
func TestPasswordChangeInBytes(t *testing.T) {
	t.Parallel()
	c := apptest.Seeded(t)
	change := func(name, pw, old string, status int, content ...string) tests.ApiScenario {
		q := strconv.Quote(pw)
		return tests.ApiScenario{
			Name: name, Method: http.MethodPatch, URL: "/api/collections/users/records/" + c.MemberA.ID,
			Headers:        map[string]string{"Authorization": c.MemberA.Token},
			Body:           strings.NewReader(`{"password":` + q + `,"passwordConfirm":` + q + `,"oldPassword":` + strconv.Quote(old) + `}`),
			ExpectedStatus: status, ExpectedContent: content, TestAppFactory: factory,
		}
	}
	pw72 := strings.Repeat("a", 72)
	ok := change("72 plain letters", pw72, apptest.Password, 200, `"id":"`+c.MemberA.ID+`"`)
	ok.AfterTestFunc = func(t testing.TB, app *tests.TestApp, _ *http.Response) {
		u, err := app.FindRecordById("users", c.MemberA.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !u.ValidatePassword(pw72) || u.ValidatePassword(apptest.Password) {
			t.Error("the new password does not open the account, or the old one still does")
		}
		if _, err := app.FindAuthRecordByToken(c.MemberA.Token); err == nil {
			t.Error("the session from before the change is still valid")
		}
	}
	for _, s := range []tests.ApiScenario{
		ok,
		change("73 plain letters", strings.Repeat("a", 73), apptest.Password, 400, `"password":{"code":"password_length"`, "72 bytes"),
		change("a wrong old password", pw72, "no-es-la-clave", 400, `"oldPassword"`),
	} {
		s.Test(t)
	}
}
