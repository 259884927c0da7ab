package webtest_test

import (
	"testing"
)

// TestRealtimeGuardThroughSDK subscribes with the official JS SDK in a real
// browser, as a page would: anonymous subscriptions to a collection are
// refused (the SDK rejects with 403), a member's own topics pass, and a
// 51st topic on one connection is refused with 400.
func TestRealtimeGuardThroughSDK(t *testing.T) {
	e := newEnv(t)
	tb := open(t, e.srv.URL, "/ingreso", 390)
	run := func(token string, topics []string) int {
		t.Helper()
		return mustEval(t, tb, `async (token, topics) => {
			const src = document.querySelector("script[type=module]").src.replace(/js\/main[^/]*\.js$/, "vendor/pocketbase.es.mjs");
			const { default: PocketBase } = await import(src);
			const pb = new PocketBase(location.origin);
			pb.autoCancellation(false);
			if (token) pb.authStore.save(token, null);
			try {
				for (const topic of topics) {
					const [col, rest] = topic.split("/");
					await pb.collection(col).subscribe(rest, () => {});
				}
				return 204;
			} catch (err) {
				return err.status || -1;
			} finally {
				pb.realtime.unsubscribe().catch(() => {});
			}
		}`, token, topics).Int()
	}
	if got := run("", []string{"cedula_info/*"}); got != 403 {
		t.Errorf("anonymous subscription to cedula_info answered %d, want 403", got)
	}
	if got := run("", []string{"users/" + e.cast.MemberA.ID}); got != 403 {
		t.Errorf("anonymous subscription to a user answered %d, want 403", got)
	}
	if got := run(e.cast.MemberA.Token, []string{"users/" + e.cast.MemberA.ID, "referidos/*"}); got != 204 {
		t.Errorf("a member's own topics answered %d, want 204", got)
	}
	many := make([]string, 51)
	for i := range many {
		many[i] = "cedula_info/rec" + string(rune('a'+i%26)) + string(rune('a'+i/26))
	}
	if got := run(e.cast.MemberA.Token, many); got != 400 {
		t.Errorf("51 topics on one connection answered %d, want 400", got)
	}
}
