package hooks_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/tests"
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
		reg("37 letters with tildes (74 bytes)", strings.Repeat("ñ", 37), 400, tooLong...),
		reg("40 letters with tildes (80 bytes)", strings.Repeat("ñ", 40), 400, tooLong...),
		reg("200 letters with tildes", strings.Repeat("ñ", 200), 400, tooLong...),
		reg("7 letters with tildes (14 bytes)", strings.Repeat("ñ", 7), 400, `"password":{"code":"password_length"`, "al menos 8"),
	} {
		s.Test(t)
	}
}
