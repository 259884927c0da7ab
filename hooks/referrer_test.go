package hooks_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/padron/padron/apptest"
)

// TestSuperuserCannotMakeReferralCycles edits referred_by as the dashboard
// does: a person referring themself or a loop of any length is refused,
// since everyone in the loop would see the others' census data.
func TestSuperuserCannotMakeReferralCycles(t *testing.T) {
	t.Parallel()
	c := apptest.Seeded(t)
	patch := func(name, userID, referrer string, status int, content ...string) tests.ApiScenario {
		return tests.ApiScenario{
			Name: name, Method: http.MethodPatch, URL: "/api/collections/users/records/" + userID,
			Body:           strings.NewReader(`{"referred_by":"` + referrer + `"}`),
			Headers:        map[string]string{"Authorization": c.Superuser.Token},
			ExpectedStatus: status, ExpectedContent: content, TestAppFactory: factory,
		}
	}
	// LeaderA → MemberA → Loner, for the three-person loop.
	lonerUnderMemberA := func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
		loner, err := app.FindRecordById("users", c.Loner.ID)
		if err != nil {
			t.Fatal(err)
		}
		loner.Set("referred_by", c.MemberA.ID)
		if err := app.Save(loner); err != nil {
			t.Fatal(err)
		}
	}
	deep := patch("three-person loop", c.LeaderA.ID, c.Loner.ID, 400, `"referred_by":{"code":"referral_cycle"`, "ciclo")
	deep.BeforeTestFunc = lonerUnderMemberA
	deepOK := patch("Loner's branch under another leader", c.Loner.ID, c.LeaderB.ID, 200, `"referred_by":"`+c.LeaderB.ID+`"`)
	deepOK.BeforeTestFunc = lonerUnderMemberA
	for _, s := range []tests.ApiScenario{
		patch("self-referral", c.MemberA.ID, c.MemberA.ID, 400, `"referred_by":{"code":"referral_self"`, "su propio referidor"),
		patch("two leaders' loop", c.LeaderA.ID, c.MemberA.ID, 400, `"referred_by":{"code":"referral_cycle"`),
		deep,
		deepOK,
		patch("a leader under another leader", c.LeaderB.ID, c.LeaderA.ID, 200, `"referred_by":"`+c.LeaderA.ID+`"`),
	} {
		s.Test(t)
	}
}
