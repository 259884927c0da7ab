package hooks_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/padron/padron/apptest"
)

const registerURL = "/api/collections/users/records"

func factory(t testing.TB) *tests.TestApp { return apptest.NewApp(t) }

// body builds a registration JSON body from a valid one plus overrides.
func body(overrides ...string) *strings.Reader {
	fields := map[string]string{
		"name":                 `"María José Pérez"`,
		"cedula":               `"1.102.812.122"`,
		"phone":                `"+57 300 123 4567"`,
		"password":             `"clave-segura-123"`,
		"passwordConfirm":      `"clave-segura-123"`,
		"data_policy_accepted": `true`,
	}
	for i := 0; i+1 < len(overrides); i += 2 {
		if overrides[i+1] == "" {
			delete(fields, overrides[i])
			continue
		}
		fields[overrides[i]] = overrides[i+1]
	}
	var b strings.Builder
	b.WriteString("{")
	first := true
	for k, v := range fields {
		if !first {
			b.WriteString(",")
		}
		first = false
		b.WriteString(`"` + k + `":` + v)
	}
	b.WriteString("}")
	return strings.NewReader(b.String())
}

// userCount counts users with a cédula, to prove a failed registration left
// nothing behind (and a good one left exactly one user and one cedula_info).
func expectUsers(cedula string, wantUsers int) func(testing.TB, *tests.TestApp, *http.Response) {
	return func(t testing.TB, app *tests.TestApp, _ *http.Response) {
		t.Helper()
		users, err := app.FindAllRecords("users")
		if err != nil {
			t.Fatal(err)
		}
		var match []*core.Record
		for _, u := range users {
			if u.GetString("cedula") == cedula {
				match = append(match, u)
			}
		}
		if len(match) != wantUsers {
			t.Fatalf("users with cédula %s: got %d, want %d", cedula, len(match), wantUsers)
		}
		infos, err := app.FindAllRecords("cedula_info")
		if err != nil {
			t.Fatal(err)
		}
		if len(infos) != len(users) {
			t.Fatalf("cedula_info rows %d != users %d (partial records)", len(infos), len(users))
		}
		for _, u := range match {
			info, err := app.FindFirstRecordByData("cedula_info", "user", u.Id)
			if err != nil {
				t.Fatalf("no cedula_info for new user: %v", err)
			}
			if got := info.GetString("status"); got != "pending" {
				t.Fatalf("new cedula_info status %q, want pending", got)
			}
		}
	}
}

func TestRegistration(t *testing.T) {
	t.Parallel()
	c := apptest.Seeded(t)

	scenarios := []tests.ApiScenario{
		{
			Name:   "valid, unattributed, normalised",
			Method: http.MethodPost, URL: registerURL, Body: body(),
			ExpectedStatus: 200,
			ExpectedContent: []string{
				`"cedula":"1102812122"`, `"phone":"3001234567"`, `"role":"member"`,
				`"referred_by":""`, `"referral_goal":10`, `"data_policy_version":"2026-12"`,
			},
			NotExpectedContent: []string{`"referral_code":""`, `"data_policy_accepted_at":""`},
			AfterTestFunc:      expectUsers("1102812122", 1),
		},
		{
			Name:   "valid with a leader's referral code",
			Method: http.MethodPost, URL: registerURL, Body: body("ref", `"`+c.LeaderA.ReferralCode+`"`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"referred_by":"` + c.LeaderA.ID + `"`},
			AfterTestFunc:   expectUsers("1102812122", 1),
		},
		{
			Name:   "email is optional but validated when given",
			Method: http.MethodPost, URL: registerURL, Body: body("email", `"no-es-correo"`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"email":{"code":"email_invalid"`},
			AfterTestFunc:   expectUsers("1102812122", 0),
		},
		{
			Name:   "unknown referral code",
			Method: http.MethodPost, URL: registerURL, Body: body("ref", `"NOEXISTE"`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"ref":{"code":"unknown_referral_code","message":"El enlace de invitación no es válido`},
			AfterTestFunc:   expectUsers("1102812122", 0),
		},
		{
			Name:   "cédula with letters",
			Method: http.MethodPost, URL: registerURL, Body: body("cedula", `"11028A2122"`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"cedula":{"code":"cedula_not_digits"`},
			AfterTestFunc:   expectUsers("11028A2122", 0),
		},
		{
			Name:   "cédula too short",
			Method: http.MethodPost, URL: registerURL, Body: body("cedula", `"12"`),
			ExpectedStatus: 400, ExpectedContent: []string{`"code":"cedula_too_short"`},
			AfterTestFunc: expectUsers("12", 0),
		},
		{
			Name:   "cédula too long",
			Method: http.MethodPost, URL: registerURL, Body: body("cedula", `"11028121221"`),
			ExpectedStatus: 400, ExpectedContent: []string{`"code":"cedula_too_long"`},
			AfterTestFunc: expectUsers("11028121221", 0),
		},
		{
			Name:   "cédula with a leading zero",
			Method: http.MethodPost, URL: registerURL, Body: body("cedula", `"0102812122"`),
			ExpectedStatus: 400, ExpectedContent: []string{`"code":"cedula_leading_zero"`},
			AfterTestFunc: expectUsers("0102812122", 0),
		},
		{
			Name:   "duplicate cédula, typed with dots",
			Method: http.MethodPost, URL: registerURL, Body: body("cedula", `"10.000.001"`),
			ExpectedStatus: 400, ExpectedContent: []string{`"cedula":{"code":"cedula_taken"`},
			AfterTestFunc: expectUsers("10000001", 1),
		},
		{
			Name:   "phone that is not a Colombian mobile",
			Method: http.MethodPost, URL: registerURL, Body: body("phone", `"601 234 5678"`),
			ExpectedStatus: 400, ExpectedContent: []string{`"phone":{"code":"phone_invalid"`},
			AfterTestFunc: expectUsers("1102812122", 0),
		},
		{
			Name:   "name with digits",
			Method: http.MethodPost, URL: registerURL, Body: body("name", `"María 2"`),
			ExpectedStatus: 400, ExpectedContent: []string{`"name":{"code":"name_invalid_chars"`},
			AfterTestFunc: expectUsers("1102812122", 0),
		},
		{
			Name:   "missing name",
			Method: http.MethodPost, URL: registerURL, Body: body("name", ""),
			ExpectedStatus: 400, ExpectedContent: []string{`"name":{"code":"name_required"`},
			AfterTestFunc: expectUsers("1102812122", 0),
		},
		{
			Name:   "policy not accepted",
			Method: http.MethodPost, URL: registerURL, Body: body("data_policy_accepted", ""),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"data_policy_accepted":{"code":"data_policy_required","message":"Debes aceptar`},
			AfterTestFunc:   expectUsers("1102812122", 0),
		},
		{
			Name:   "policy explicitly refused",
			Method: http.MethodPost, URL: registerURL, Body: body("data_policy_accepted", `false`),
			ExpectedStatus: 400, ExpectedContent: []string{`"code":"data_policy_required"`},
			AfterTestFunc: expectUsers("1102812122", 0),
		},
		{
			Name:   "passwords do not match",
			Method: http.MethodPost, URL: registerURL, Body: body("passwordConfirm", `"otra-clave-123"`),
			ExpectedStatus: 400, ExpectedContent: []string{`"passwordConfirm":{"code":"password_mismatch"`},
			AfterTestFunc: expectUsers("1102812122", 0),
		},
		{
			Name:   "tries to become a leader",
			Method: http.MethodPost, URL: registerURL, Body: body("role", `"leader"`),
			ExpectedStatus: 400, ExpectedContent: []string{`"role":{"code":"field_not_allowed"`},
			AfterTestFunc: expectUsers("1102812122", 0),
		},
		{
			Name:   "tries to choose a referral code",
			Method: http.MethodPost, URL: registerURL, Body: body("referral_code", `"MIOMIO12"`),
			ExpectedStatus: 400, ExpectedContent: []string{`"referral_code":{"code":"field_not_allowed"`},
			AfterTestFunc: expectUsers("1102812122", 0),
		},
		{
			Name:   "tries to set referred_by directly",
			Method: http.MethodPost, URL: registerURL, Body: body("referred_by", `"`+c.LeaderB.ID+`"`),
			ExpectedStatus: 400, ExpectedContent: []string{`"referred_by":{"code":"field_not_allowed"`},
			AfterTestFunc: expectUsers("1102812122", 0),
		},
		{
			Name:   "tries to backdate policy acceptance",
			Method: http.MethodPost, URL: registerURL, Body: body("data_policy_accepted_at", `"2020-01-01 00:00:00.000Z"`),
			ExpectedStatus: 400, ExpectedContent: []string{`"data_policy_accepted_at":{"code":"field_not_allowed"`},
			AfterTestFunc: expectUsers("1102812122", 0),
		},
		{
			Name:   "every error at once is reported per field",
			Method: http.MethodPost, URL: registerURL,
			Body:           body("cedula", `"abc"`, "phone", `"1"`, "name", `"J"`, "data_policy_accepted", ""),
			ExpectedStatus: 400,
			ExpectedContent: []string{
				`"cedula":{"code":"cedula_not_digits"`, `"phone":{"code":"phone_invalid"`,
				`"name":{"code":"name_length"`, `"data_policy_accepted":{"code":"data_policy_required"`,
				`"message":"Revisa los datos marcados`,
			},
		},
		{
			Name:   "superuser creates a leader from the dashboard",
			Method: http.MethodPost, URL: registerURL, Body: body("role", `"leader"`, "data_policy_accepted", ""),
			Headers:         map[string]string{"Authorization": c.Superuser.Token},
			ExpectedStatus:  200,
			ExpectedContent: []string{`"role":"leader"`, `"cedula":"1102812122"`},
			AfterTestFunc:   expectUsers("1102812122", 1),
		},
	}
	for _, s := range scenarios {
		s.TestAppFactory = factory
		s.Test(t)
	}
}
