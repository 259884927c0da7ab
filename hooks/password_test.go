package hooks_test

import (
	"net/http"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/hook"

	"github.com/padron/padron/apptest"
)

// hashWatch sees a users create request around Padrón's hooks: whether the
// body PocketBase parsed still held the password (PocketBase hashes every
// password it finds there, on a scratch record, before the hooks run) and
// the record's password once the hooks are done.
type hashWatch struct {
	bodyHadPassword bool
	ran             bool
	password        core.PasswordFieldValue
}

// factory binds w outside every other create-request hook.
func (w *hashWatch) factory(t testing.TB) *tests.TestApp {
	app := factory(t)
	app.OnRecordCreateRequest("users").Bind(&hook.Handler[*core.RecordRequestEvent]{
		Priority: -1000,
		Func: func(e *core.RecordRequestEvent) error {
			info, err := e.RequestInfo()
			if err != nil {
				return err
			}
			_, w.bodyHadPassword = info.Body[core.FieldNamePassword]
			err = e.Next()
			if pw, ok := e.Record.GetRaw(core.FieldNamePassword).(*core.PasswordFieldValue); ok {
				w.password = *pw
			}
			w.ran = true
			return err
		},
	})
	return app
}

// TestRegistrationHashesOnce checks a registration costs one bcrypt, as a
// login does: the password never reaches the body PocketBase resolves (its
// second hash), a valid form's password is hashed once and works for a
// login, and a rejected form is refused before any hash.
func TestRegistrationHashesOnce(t *testing.T) {
	t.Parallel()
	c := apptest.Seeded(t)
	const pass = "clave-segura-123"

	cases := []struct {
		name    string
		body    func() *tests.ApiScenario
		status  int
		content []string
		hashed  bool
	}{
		{
			name:   "valid registration",
			status: 200, content: []string{`"cedula":"1102812122"`}, hashed: true,
			body: func() *tests.ApiScenario {
				return &tests.ApiScenario{Method: http.MethodPost, URL: registerURL, Body: body()}
			},
		},
		{
			name:   "superuser creates a user from the dashboard",
			status: 200, content: []string{`"cedula":"1102812122"`}, hashed: true,
			body: func() *tests.ApiScenario {
				return &tests.ApiScenario{Method: http.MethodPost, URL: registerURL, Body: body(),
					Headers: map[string]string{"Authorization": c.Superuser.Token}}
			},
		},
		{
			name:   "a bad name: refused with no hash",
			status: 400, content: []string{`"name":{"code":"name_length"`}, hashed: false,
			body: func() *tests.ApiScenario {
				return &tests.ApiScenario{Method: http.MethodPost, URL: registerURL, Body: body("name", `"Al"`)}
			},
		},
		{
			name:   "passwords that differ: refused with no hash",
			status: 400, content: []string{`"passwordConfirm":{"code":"password_mismatch"`}, hashed: false,
			body: func() *tests.ApiScenario {
				return &tests.ApiScenario{Method: http.MethodPost, URL: registerURL, Body: body("passwordConfirm", `"otra-clave-123"`)}
			},
		},
		{
			name:   "no password: PocketBase still requires one",
			status: 400, content: []string{`"password":{"code":"validation_required"`}, hashed: false,
			body: func() *tests.ApiScenario {
				return &tests.ApiScenario{Method: http.MethodPost, URL: registerURL, Body: body("password", "", "passwordConfirm", "")}
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := &hashWatch{}
			s := tc.body()
			s.Name = tc.name
			s.ExpectedStatus = tc.status
			s.ExpectedContent = tc.content
			s.TestAppFactory = w.factory
			s.AfterTestFunc = func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				if !w.ran {
					t.Fatal("the create request hooks never ran")
				}
				if w.bodyHadPassword {
					t.Error("PocketBase's parsed body still holds the password: it hashed it a second time")
				}
				if got := w.password.Hash != ""; got != tc.hashed {
					t.Errorf("password hashed = %v, want %v", got, tc.hashed)
				}
				if !tc.hashed {
					return
				}
				if !w.password.Validate(pass) {
					t.Error("the stored hash does not match the password")
				}
				user, err := app.FindFirstRecordByData("users", "cedula", "1102812122")
				if err != nil {
					t.Fatal(err)
				}
				if !user.ValidatePassword(pass) {
					t.Error("the saved user's password does not match")
				}
			}
			s.Test(t)
		})
	}
}
