package hooks

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/padron/padron/cedula"
)

// Per-account login throttling defaults: the per-IP limiter alone lets a
// guesser move to another address and go on with the same cédula.
const (
	// LoginMaxFailuresDefault failed logins for one account within
	// LoginFailureWindowDefault lock it.
	LoginMaxFailuresDefault = 10
	// LoginFailureWindowDefault is how far back failures count, and the
	// first lock's length; each further lock doubles it.
	LoginFailureWindowDefault = 15 * time.Minute
	// LoginMaxLockDefault caps the doubled lock.
	LoginMaxLockDefault = 24 * time.Hour
	// loginThrottleMaxKeys bounds the memory a spray of made-up identities
	// can take; the quietest keys go first.
	loginThrottleMaxKeys = 100_000
)

// loginThrottle counts failed logins per identity (the cédula's digits, or
// the email in lower case), whatever address they come from, so a known and
// an unknown cédula are throttled alike. It lives in memory: a restart
// forgets it, as it forgets PocketBase's per-IP counters.
type loginThrottle struct {
	max    int
	window time.Duration
	maxFor time.Duration
	now    func() time.Time

	mu   sync.Mutex
	keys map[string]*loginFailures
}

// loginFailures is one identity's recent record.
type loginFailures struct {
	times       []time.Time // failures inside the window, oldest first
	lockedUntil time.Time
	locks       int // locks so far; each doubles the next one
	lastSeen    time.Time
}

func newLoginThrottle(now func() time.Time) *loginThrottle {
	if now == nil {
		now = time.Now
	}
	return &loginThrottle{
		max: LoginMaxFailuresDefault, window: LoginFailureWindowDefault, maxFor: LoginMaxLockDefault,
		now: now, keys: map[string]*loginFailures{},
	}
}

// throttleKey names the account an identity means, as the login would find
// it: "1.102.812.122" and "1102812122" are one account.
func throttleKey(identity string) string {
	if digits, err := cedula.Normalize(identity); err == nil {
		return "c:" + digits
	}
	return "e:" + strings.ToLower(strings.TrimSpace(identity))
}

// locked reports how long key must still wait; zero lets the attempt in.
func (t *loginThrottle) locked(key string) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	f := t.keys[key]
	if f == nil {
		return 0
	}
	if wait := f.lockedUntil.Sub(t.now()); wait > 0 {
		return wait
	}
	return 0
}

// failed records a failed attempt for key and locks it when the window
// holds max failures.
func (t *loginThrottle) failed(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	f := t.keys[key]
	if f == nil {
		t.makeRoom(now)
		f = &loginFailures{}
		t.keys[key] = f
	}
	if f.locks > 0 && now.Sub(f.lastSeen) > t.maxFor {
		f.locks = 0 // a day of quiet forgives earlier locks
	}
	f.lastSeen = now
	keep := f.times[:0]
	for _, at := range f.times {
		if now.Sub(at) < t.window {
			keep = append(keep, at)
		}
	}
	f.times = append(keep, now)
	if len(f.times) >= t.max {
		lock := t.window << min(f.locks, 16)
		if lock > t.maxFor || lock <= 0 {
			lock = t.maxFor
		}
		f.lockedUntil = now.Add(lock)
		f.locks++
		f.times = f.times[:0]
	}
}

// succeeded forgets key's failures: the owner got in.
func (t *loginThrottle) succeeded(key string) {
	t.mu.Lock()
	delete(t.keys, key)
	t.mu.Unlock()
}

// makeRoom drops idle keys, and the quietest ones if still full; called
// with mu held.
func (t *loginThrottle) makeRoom(now time.Time) {
	if len(t.keys) < loginThrottleMaxKeys {
		return
	}
	for k, f := range t.keys {
		if now.After(f.lockedUntil) && now.Sub(f.lastSeen) > t.window {
			delete(t.keys, k)
		}
	}
	for k := range t.keys { // still full: any key goes (map order is random)
		if len(t.keys) < loginThrottleMaxKeys {
			break
		}
		delete(t.keys, k)
	}
}

// errLoginLocked is the answer to an attempt on a locked account: the same
// for known and unknown cédulas, sent before any password is checked.
func errLoginLocked(wait time.Duration) *router.ApiError {
	minutes := int((wait + time.Minute - 1) / time.Minute)
	when := "1 minuto"
	if minutes != 1 {
		when = fmt.Sprintf("%d minutos", minutes)
	}
	return &router.ApiError{
		Status: http.StatusTooManyRequests,
		Message: "Hubo demasiados intentos fallidos para esta cuenta. Por seguridad, espera " + when +
			" antes de intentarlo de nuevo, o pide a tu líder o al administrador que te ayude a recuperar el acceso.",
		Data: map[string]any{"code": "login_locked", "retry_after": int((wait + time.Second - 1) / time.Second)},
	}
}
