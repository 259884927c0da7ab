package apierrors_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"github.com/padron/padron/apptest"
)

func auth(p apptest.Person) map[string]string { return map[string]string{"Authorization": p.Token} }

func TestSpanishErrors(t *testing.T) {
	t.Parallel()
	c := apptest.Seeded(t)
	factory := func(t testing.TB) *tests.TestApp { return apptest.NewApp(t) }
	scenarios := []tests.ApiScenario{
		{
			Name: "wrong password", Method: http.MethodPost, URL: "/api/collections/users/auth-with-password",
			Body:           strings.NewReader(`{"identity":"20.000.001","password":"nope-nope"}`),
			ExpectedStatus: 400, ExpectedContent: []string{`"message":"Cédula o contraseña incorrectas."`},
		},
		{
			Name: "unknown cédula", Method: http.MethodPost, URL: "/api/collections/users/auth-with-password",
			Body:           strings.NewReader(`{"identity":"99999999","password":"nope-nope"}`),
			ExpectedStatus: 400, ExpectedContent: []string{`"message":"Cédula o contraseña incorrectas."`},
		},
		{
			Name: "someone else's record", Method: http.MethodGet, URL: "/api/collections/users/records/" + c.MemberB.ID,
			Headers: auth(c.MemberA), ExpectedStatus: 404, ExpectedContent: []string{`"message":"No encontramos lo que buscas."`},
		},
		{
			Name: "someone else's record, the collection by its id", Method: http.MethodGet, URL: "/api/collections/_pb_users_auth_/records/" + c.MemberB.ID,
			Headers: auth(c.MemberA), ExpectedStatus: 404, ExpectedContent: []string{`"message":"No encontramos lo que buscas."`},
		},
		{
			Name: "someone else's record, the collection in capitals", Method: http.MethodGet, URL: "/api/collections/Users/records/" + c.MemberB.ID,
			Headers: auth(c.MemberA), ExpectedStatus: 404, ExpectedContent: []string{`"message":"No encontramos lo que buscas."`},
		},
		{
			Name: "wrong current password", Method: http.MethodPatch, URL: "/api/collections/users/records/" + c.MemberA.ID,
			Headers:        auth(c.MemberA),
			Body:           strings.NewReader(`{"oldPassword":"no-es-esta","password":"nueva-clave-1","passwordConfirm":"nueva-clave-1"}`),
			ExpectedStatus: 400,
			ExpectedContent: []string{`"oldPassword":{"code":"validation_invalid_old_password","message":"La contraseña actual no es correcta."}`,
				`"message":"No pudimos guardar los cambios. Revisa los datos marcados."`},
		},
		{
			Name: "expired or forged session", Method: http.MethodPost, URL: "/api/collections/users/auth-refresh",
			Headers: map[string]string{"Authorization": "not-a-token"}, ExpectedStatus: 401,
			ExpectedContent: []string{`"message":"Tu sesión terminó. Inicia sesión de nuevo."`},
		},
		{
			Name: "the dashboard's paths stay as PocketBase says", Method: http.MethodGet, URL: "/api/settings",
			ExpectedStatus: 401, ExpectedContent: []string{`"message":"The request requires valid record authorization token."`},
		},
	}
	for _, s := range scenarios {
		s.TestAppFactory = factory
		s.Test(t)
	}
}

func TestSpanishRateLimit(t *testing.T) {
	t.Parallel()
	app := apptest.NewApp(t)
	defer app.Cleanup()
	users, err := app.FindCollectionByNameOrId("users")
	if err != nil {
		t.Fatal(err)
	}
	srv := apptest.Serve(t, app)
	// The collection as the app spells it, in capitals, and by its id: the
	// rate limit is the app's, and Spanish, in every spelling.
	for _, col := range []string{"users", "USERS", users.Id} {
		t.Run(col, func(t *testing.T) { spanishRateLimit(t, srv.URL+"/api/collections/"+col+"/auth-with-password") })
	}
}

// spanishRateLimit logs in at url until the rate limiter answers, each time
// as another cédula (so no account is locked first).
func spanishRateLimit(t *testing.T, url string) {
	var last *http.Response
	var body []byte
	for i := 0; i < 25; i++ { // the rule allows 20 a minute
		res, err := http.Post(url, "application/json",
			strings.NewReader(fmt.Sprintf(`{"identity":"%d","password":"x"}`, 12300+i)))
		if err != nil {
			t.Fatal(err)
		}
		body, _ = io.ReadAll(res.Body)
		res.Body.Close()
		last = res
		if res.StatusCode == 429 {
			break
		}
	}
	if last.StatusCode != 429 || !strings.Contains(string(body), "Demasiados intentos") {
		t.Fatalf("after 25 logins: %d %s", last.StatusCode, body)
	}
}
