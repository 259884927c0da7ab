package diad_test

import (
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/tools/subscriptions"

	"github.com/padron/padron/apptest"
)

// TestMarksRealtimeFollowTheRules: a `vote_marks/*` subscription (a REST
// client's; the dashboard uses the dia-d topic) receives the marks of the subscriber's people only.
func TestMarksRealtimeFollowTheRules(t *testing.T) {
	t.Parallel()
	c := apptest.Seeded(t)
	app, _ := newApp(t, cot(10, 0))
	defer app.Cleanup()
	if _, err := apis.NewRouter(app); err != nil { // binds the realtime events
		t.Fatal(err)
	}
	client := func(who apptest.Person) subscriptions.Client {
		u, err := app.FindRecordById("users", who.ID)
		if err != nil {
			t.Fatal(err)
		}
		cl := subscriptions.NewDefaultClient()
		cl.Set(apis.RealtimeClientAuthKey, u)
		cl.Subscribe("vote_marks/*")
		app.SubscriptionsBroker().Register(cl)
		return cl
	}
	leaderA, leaderB, memberA := client(c.LeaderA), client(c.LeaderB), client(c.MemberA)

	saveMark(t, app, "mark00000000001", c.MemberA.ID, c.LeaderA.ID, "leader", cot(10, 0))

	for name, cl := range map[string]subscriptions.Client{"leader A": leaderA, "member A": memberA} {
		select {
		case m := <-cl.Channel():
			if !strings.Contains(string(m.Data), "mark00000000001") {
				t.Errorf("%s got %s", name, m.Data)
			}
		case <-time.After(10 * time.Second):
			t.Errorf("%s got no event", name)
		}
	}
	// Leader B must get nothing: a later mark of their own referido is the
	// first event they see.
	saveMark(t, app, "mark00000000002", c.MemberB.ID, c.LeaderB.ID, "leader", cot(10, 0))
	select {
	case m := <-leaderB.Channel():
		if !strings.Contains(string(m.Data), "mark00000000002") {
			t.Errorf("leader B got someone else's mark: %s", m.Data)
		}
	case <-time.After(10 * time.Second):
		t.Error("leader B got no event for their own referido")
	}
}
