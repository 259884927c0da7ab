package routes_test

import (
	"net/http"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"github.com/padron/padron/apptest"
)

// consentApp is diadApp with the messaging authorisation of MemberA
// (LeaderA's) and of Sofía (MemberA's own referida) in force; MemberB
// (LeaderB's) never gave it.
func consentApp(t testing.TB) *tests.TestApp {
	app := diadApp(t)
	c := apptest.Seeded(t)
	addUser(t, app, "sofia0000000001", "Sofía Referida", "30000003", "member", c.MemberA.ID)
	for _, id := range []string{c.MemberA.ID, "sofia0000000001"} {
		u, err := app.FindRecordById("users", id)
		if err != nil {
			t.Fatal(err)
		}
		u.Set("contact_consent", true)
		if err := app.Save(u); err != nil {
			t.Fatal(err)
		}
	}
	return app
}

// TestContactConsentFollowsVisibility: the messaging authorisation, which
// decides whether a leader may offer WhatsApp, is read only by who sees the
// person (the users rules; /api/dia-d/people through the same rules): a
// leader for the people below them, nobody across a branch, a member never
// for their own referidos, and nobody can find people by it.
func TestContactConsentFollowsVisibility(t *testing.T) {
	t.Parallel()
	c := apptest.Seeded(t)
	const sofia = "sofia0000000001"
	get := func(name, url string, who apptest.Person, status int, want, notWant []string) tests.ApiScenario {
		return tests.ApiScenario{Name: name, Method: http.MethodGet, URL: url, Headers: auth(who),
			ExpectedStatus: status, ExpectedContent: want, NotExpectedContent: notWant,
			ExpectedEvents: map[string]int{"*": 0}, TestAppFactory: consentApp}
	}
	// with sets the records API's events a scenario fires.
	with := func(s tests.ApiScenario, events map[string]int) tests.ApiScenario {
		s.ExpectedEvents = events
		return s
	}
	viewed := map[string]int{"OnRecordViewRequest": 1, "OnRecordEnrich": 1}
	listed := func(n int) map[string]int {
		if n == 0 {
			return map[string]int{"OnRecordsListRequest": 1}
		}
		return map[string]int{"OnRecordsListRequest": 1, "OnRecordEnrich": n}
	}
	user := func(id string) string { return "/api/collections/users/records/" + id }
	byConsent := "/api/collections/users/records?filter=" + "contact_consent%3Dtrue"
	scenarios := []tests.ApiScenario{
		with(get("a leader reads the consent of a person below", user(c.MemberA.ID), c.LeaderA, 200,
			[]string{`"id":"` + c.MemberA.ID + `"`, `"contact_consent":true`}, nil), viewed),
		with(get("a leader reads it two levels down", user(sofia), c.LeaderA, 200, []string{`"contact_consent":true`}, nil), viewed),
		get("another branch's leader cannot read it", user(c.MemberA.ID), c.LeaderB, 404, nil, []string{"contact_consent"}),
		get("a member cannot read their own referida's", user(sofia), c.MemberA, 404, nil, []string{"contact_consent"}),
		get("a member cannot read another member's", user(c.MemberA.ID), c.MemberB, 404, nil, []string{"contact_consent"}),
		with(get("a member finds only themselves by it", byConsent, c.MemberA, 200,
			[]string{`"totalItems":1`, `"id":"` + c.MemberA.ID + `"`}, []string{sofia}), listed(1)),
		with(get("another leader finds nobody of the other branch by it", byConsent, c.LeaderB, 200,
			[]string{`"totalItems":0`}, []string{c.MemberA.ID, sofia}), listed(0)),
		with(get("the member's referidos view does not carry it", "/api/collections/referidos/records", c.MemberA, 200,
			[]string{"Sofía Referida"}, []string{"contact_consent"}), listed(1)),
		get("Día D: a leader's people carry it", "/api/dia-d/people", c.LeaderA, 200,
			[]string{`"id":"` + c.MemberA.ID + `"`, `"contact_consent":true`, `"contact_consent":false`}, nil),
		get("Día D: another leader's people leave the other branch out", "/api/dia-d/people", c.LeaderB, 200,
			[]string{`"id":"` + c.MemberB.ID + `"`, `"contact_consent":false`}, []string{c.MemberA.ID, sofia, `"contact_consent":true`}),
		get("Día D: a member has no lists", "/api/dia-d/people", c.MemberA, 403, nil, []string{"contact_consent"}),
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}
