package hooks_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/padron/padron/apptest"
)

// multipartBody is a valid registration as a multipart form (what an HTML
// form or FormData sends) with overrides replacing defaults; a key given
// twice in overrides is sent twice.
func multipartBody(t testing.TB, overrides ...string) (*bytes.Buffer, map[string]string) {
	t.Helper()
	defaults := [][2]string{
		{"name", "María José Pérez"}, {"cedula", "1102812122"}, {"phone", "3001234567"},
		{"password", "12345678901"}, {"passwordConfirm", "12345678901"}, {"data_policy_accepted", "true"},
	}
	overridden := map[string]bool{}
	for i := 0; i+1 < len(overrides); i += 2 {
		overridden[overrides[i]] = true
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	write := func(k, v string) {
		if err := mw.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range defaults {
		if !overridden[f[0]] {
			write(f[0], f[1])
		}
	}
	for i := 0; i+1 < len(overrides); i += 2 {
		write(overrides[i], overrides[i+1])
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return &buf, map[string]string{"Content-Type": mw.FormDataContentType()}
}

// expectNoUserID checks that a registrant's chosen id was not used.
func expectNoUserID(id string) func(testing.TB, *tests.TestApp, *http.Response) {
	return func(t testing.TB, app *tests.TestApp, res *http.Response) {
		t.Helper()
		if _, err := app.FindRecordById("users", id); err == nil {
			t.Fatalf("a user with the registrant's id %s exists", id)
		}
		expectUsers("1102812122", 0)(t, app, res)
	}
}

// setEmail gives a seeded user an email before the request.
func setEmail(userID, email string) func(testing.TB, *tests.TestApp, *core.ServeEvent) {
	return func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
		u, err := app.FindRecordById("users", userID)
		if err != nil {
			t.Fatal(err)
		}
		u.SetEmail(email)
		if err := app.Save(u); err != nil {
			t.Fatal(err)
		}
	}
}

// One row per hardening case on the registration and profile routes: wrong
// JSON types are 400 with the field's code (never coerced, never dropped),
// server-owned fields are refused, names are names, emails are one per
// mailbox, cédulas have only dots and spaces, and a taken cédula is told
// only once everything else is valid.
func TestRegistrationHardening(t *testing.T) {
	t.Parallel()
	c := apptest.Seeded(t)
	reg := func(name string, b *strings.Reader, status int, content ...string) tests.ApiScenario {
		s := tests.ApiScenario{Name: name, Method: http.MethodPost, URL: registerURL, Body: b,
			ExpectedStatus: status, ExpectedContent: content}
		if status == 200 {
			s.AfterTestFunc = expectUsers("1102812122", 1)
		} else {
			s.AfterTestFunc = expectUsers("1102812122", 0)
		}
		return s
	}
	form := func(name string, status int, content []string, overrides ...string) tests.ApiScenario {
		b, h := multipartBody(t, overrides...)
		s := reg(name, nil, status, content...)
		s.Body, s.Headers = b, h
		return s
	}
	patch := func(name, body string, status int, content ...string) tests.ApiScenario {
		return tests.ApiScenario{Name: name, Method: http.MethodPatch,
			URL: registerURL + "/" + c.MemberA.ID, Body: strings.NewReader(body), Headers: auth(c.MemberA),
			ExpectedStatus: status, ExpectedContent: content,
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				u, err := app.FindRecordById("users", c.MemberA.ID)
				if err != nil {
					t.Fatal(err)
				}
				if status != 200 && (u.GetInt("referral_goal") != 10 || u.GetString("name") != c.MemberA.Name) {
					t.Fatalf("a refused update changed the record: goal %d, name %q", u.GetInt("referral_goal"), u.GetString("name"))
				}
			},
		}
	}
	goalInvalid := `"referral_goal":{"code":"referral_goal_invalid"`
	notAllowed := func(key string) string { return `"` + key + `":{"code":"field_not_allowed"` }

	scenarios := []tests.ApiScenario{
		// Wrong JSON types.
		reg(`referral_goal "abc"`, body("referral_goal", `"abc"`), 400, goalInvalid),
		reg("referral_goal null", body("referral_goal", `null`), 400, goalInvalid),
		reg("referral_goal [5]", body("referral_goal", `[5]`), 400, goalInvalid),
		reg("referral_goal {}", body("referral_goal", `{}`), 400, goalInvalid),
		reg("referral_goal true", body("referral_goal", `true`), 400, goalInvalid),
		reg("referral_goal 2.5", body("referral_goal", `2.5`), 400, goalInvalid),
		reg(`ref ["x"]`, body("ref", `["x"]`), 400, `"ref":{"code":"unknown_referral_code"`),
		reg(`ref {"$ne":""}`, body("ref", `{"$ne":""}`), 400, `"ref":{"code":"unknown_referral_code"`),
		reg(`ref ["<a leader's code>"]`, body("ref", `["`+c.LeaderA.ReferralCode+`"]`), 400, `"ref":{"code":"unknown_referral_code"`),
		reg(`email ["a@b.co"]`, body("email", `["a@b.co"]`), 400, `"email":{"code":"email_invalid","message":"Este dato debe enviarse como texto."`),
		reg("name true", body("name", `true`), 400, `"name":{"code":"name_invalid_chars"`),
		reg("cedula as a JSON number", body("cedula", `1102812122`), 400, `"cedula":{"code":"cedula_not_digits"`),
		reg("phone as a JSON number", body("phone", `3001234567`), 400, `"phone":{"code":"phone_invalid"`),
		reg("password as a JSON number", body("password", `12345678`, "passwordConfirm", `12345678`), 400,
			`"password":{"code":"password_length"`, `"passwordConfirm":{"code":"password_mismatch"`),
		reg(`data_policy_accepted "true"`, body("data_policy_accepted", `"true"`), 400, `"data_policy_accepted":{"code":"data_policy_required"`),
		reg("data_policy_accepted 1", body("data_policy_accepted", `1`), 400, `"data_policy_accepted":{"code":"data_policy_required"`),

		// Fields a registrant may not set.
		func() tests.ApiScenario {
			s := reg("chooses the record id", body("id", `"adversaryid0001"`), 400, notAllowed("id"))
			s.AfterTestFunc = expectNoUserID("adversaryid0001")
			return s
		}(),
		reg("sets emailVisibility", body("emailVisibility", `true`, "email", `"ana@example.com"`), 400, notAllowed("emailVisibility")),
		reg("sets verified", body("verified", `true`), 400, notAllowed("verified")),
		reg("sets tokenKey", body("tokenKey", `"x"`), 400, notAllowed("tokenKey")),
		reg("sets created", body("created", `"2020-01-01 00:00:00.000Z"`), 400, notAllowed("created")),
		reg("adds to referral_goal with a modifier", body("referral_goal+", `5`), 400, notAllowed("referral_goal+")),
		reg("appends to referred_by with a modifier", body("+referred_by", `"`+c.LeaderA.ID+`"`), 400, notAllowed("+referred_by")),
		reg("autogenerates a referral code", body("referral_code:autogenerate", `""`), 400, notAllowed("referral_code:autogenerate")),

		// Names.
		reg("name of combining marks only", body("name", `"\u0301\u0301\u0301\u0301"`), 400, `"name":{"code":"name_invalid_chars"`),
		reg("name of Hangul fillers", body("name", `"\u3164\u3164\u3164"`), 400, `"name":{"code":"name_invalid_chars"`),
		reg("name with a zero-width space", body("name", `"Ana\u200b Pérez"`), 400, `"name":{"code":"name_invalid_chars"`),
		reg("Cyrillic А in a Latin name", body("name", `"Аna Pérez"`), 400, `"name":{"code":"name_mixed_scripts"`),
		reg("two letters", body("name", `"A B"`), 400, `"name":{"code":"name_length"`),
		reg("full-width name folds to ASCII", body("name", `"Ｍａｒíａ　Ｐéｒｅｚ"`), 200, `"name":"María Pérez"`),
		reg("accented name", body("name", `"María José Pérez Ñúñez"`), 200, `"name":"María José Pérez Ñúñez"`),

		// Emails are compared in any case.
		func() tests.ApiScenario {
			s := reg("email taken in another case", body("email", `"A@Example.com"`), 400, `"email":{"code":"email_taken"`)
			s.BeforeTestFunc = setEmail(c.LeaderA.ID, "a@example.com")
			return s
		}(),

		// Cédulas: digits, dots and spaces only.
		reg("cédula with a minus sign", body("cedula", `"-1400000505"`), 400, `"cedula":{"code":"cedula_not_digits"`),
		reg("cédula with a trailing dot", body("cedula", `"1400000515."`), 400, `"cedula":{"code":"cedula_not_digits"`),

		// Enumeration: a taken cédula is told only when the rest is valid.
		func() tests.ApiScenario {
			s := reg("taken cédula with an invalid phone", body("cedula", `"`+c.LeaderA.Cedula+`"`, "phone", `"1"`), 400,
				`"phone":{"code":"phone_invalid"`)
			s.NotExpectedContent = []string{"cedula"}
			return s
		}(),
		func() tests.ApiScenario {
			s := reg("taken cédula with a bad referral code", body("cedula", `"`+c.LeaderA.Cedula+`"`, "ref", `"NOEXISTE"`), 400,
				`"ref":{"code":"unknown_referral_code"`)
			s.NotExpectedContent = []string{"cedula"}
			return s
		}(),
		func() tests.ApiScenario {
			s := reg("taken cédula, everything else valid", body("cedula", `"`+c.LeaderA.Cedula+`"`), 400,
				`"data":{"cedula":{"code":"cedula_taken"`)
			s.AfterTestFunc = expectUsers(c.LeaderA.Cedula, 1)
			return s
		}(),

		// Multipart forms carry text and keep working.
		func() tests.ApiScenario {
			s := form("multipart registration", 200, []string{`"cedula":"1102812122"`, `"referral_goal":25`, `"referred_by":"` + c.LeaderA.ID + `"`},
				"referral_goal", "25", "ref", c.LeaderA.ReferralCode)
			return s
		}(),
		form(`multipart referral_goal "abc"`, 400, []string{goalInvalid}, "referral_goal", "abc"),
		form("multipart ref sent twice", 400, []string{`"ref":{"code":"unknown_referral_code"`}, "ref", c.LeaderA.ReferralCode, "ref", c.LeaderB.ReferralCode),
		form("multipart @jsonPayload with an operator for ref", 400, []string{`"ref":{"code":"unknown_referral_code"`}, "@jsonPayload", `{"ref":{"$ne":""}}`),
		form("multipart policy not true", 400, []string{`"data_policy_accepted":{"code":"data_policy_required"`}, "data_policy_accepted", "on"),
		form("multipart id", 400, []string{notAllowed("id")}, "id", "adversaryid0001"),

		// A member's own updates.
		patch(`member referral_goal "abc"`, `{"referral_goal":"abc"}`, 400, goalInvalid),
		patch("member referral_goal null", `{"referral_goal":null}`, 400, goalInvalid),
		patch("member referral_goal true", `{"referral_goal":true}`, 400, goalInvalid),
		patch("member name true", `{"name":true}`, 400, `"name":{"code":"name_invalid_chars"`),
		patch("member referral_goal+ modifier", `{"referral_goal+":5}`, 400, `"referral_goal+":{"code":"field_not_editable"`),
		patch("member sets emailVisibility", `{"emailVisibility":true}`, 400, `"emailVisibility":{"code":"field_not_editable"`),
		patch("member Cyrillic lookalike name", `{"name":"Аna Referida"}`, 400, `"name":{"code":"name_mixed_scripts"`),
		patch("member valid goal", `{"referral_goal":30}`, 200, `"referral_goal":30`),
	}
	for _, s := range scenarios {
		s.TestAppFactory = factory
		s.Test(t)
	}
}
