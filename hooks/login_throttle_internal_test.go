package hooks

import (
	"testing"
	"time"
)

// TestLoginThrottleWindowAndDoubling drives the throttle on a pinned clock:
// failures older than the window do not count, a lock ends on time, and
// each further lock doubles up to the cap.
func TestLoginThrottleWindowAndDoubling(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 8, 9, 0, 0, 0, time.UTC)
	th := newLoginThrottle(func() time.Time { return now })
	key := throttleKey("1.102.812.122")
	if key != throttleKey("1102812122") || key == throttleKey("Ana@Example.com") {
		t.Fatalf("keys: a cédula as typed and as stored must be one account")
	}
	if throttleKey("Ana@Example.com") != throttleKey("ana@example.com ") {
		t.Fatalf("keys: an email in any case must be one account")
	}

	fail := func(n int, every time.Duration) {
		for range n {
			th.failed(key)
			now = now.Add(every)
		}
	}
	fail(9, 2*time.Minute) // 9 failures over 18 min: the first ones left the window
	fail(1, 0)
	if w := th.locked(key); w != 0 {
		t.Fatalf("locked for %v with only 8 failures inside 15 min", w)
	}
	fail(2, 0)
	if w := th.locked(key); w != LoginFailureWindowDefault {
		t.Fatalf("first lock %v, want %v", w, LoginFailureWindowDefault)
	}
	now = now.Add(LoginFailureWindowDefault)
	if w := th.locked(key); w != 0 {
		t.Fatalf("still locked %v after the lock ended", w)
	}
	want := 2 * LoginFailureWindowDefault
	for range 8 {
		fail(LoginMaxFailuresDefault, 0)
		if w := th.locked(key); w != want {
			t.Fatalf("lock %v, want %v", w, want)
		}
		now = now.Add(want)
		want = min(2*want, LoginMaxLockDefault)
	}
	th.succeeded(key)
	fail(LoginMaxFailuresDefault-1, 0)
	if w := th.locked(key); w != 0 {
		t.Fatalf("locked %v after a success and 9 failures", w)
	}
}
