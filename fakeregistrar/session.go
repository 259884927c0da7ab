package fakeregistrar

import (
	"net/http"
	"time"
)

// session is a PHP session of the wsp page: it holds the one nonce the last
// page load issued.
type session struct {
	nonce string
	seen  time.Time
}

// Session limits: past maxSessions, sessions idle for sessionIdle are dropped.
const (
	maxSessions = 50_000
	sessionIdle = 30 * time.Minute
)

// openSession returns the request's PHP session, creating one (and its
// cookies) when the request has none we know, and issues a fresh nonce.
func (s *Server) openSession(w http.ResponseWriter, r *http.Request) (nonce string) {
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	var id string
	if c, err := r.Cookie("PHPSESSID"); err == nil && s.sessions[c.Value] != nil {
		id = c.Value
	} else {
		if len(s.sessions) >= maxSessions {
			for k, v := range s.sessions {
				if now.Sub(v.seen) > sessionIdle {
					delete(s.sessions, k)
				}
			}
		}
		id = phpSessionID()
		s.sessions[id] = &session{}
		http.SetCookie(w, &http.Cookie{Name: "PHPSESSID", Value: id, Path: "/",
			HttpOnly: true, Secure: s.cfg.SecureCookies})
	}
	if _, err := r.Cookie("cookiesession1"); err != nil {
		http.SetCookie(w, &http.Cookie{Name: "cookiesession1", Value: "678B28" + randomHex(13),
			Path: "/", HttpOnly: true, Expires: now.Add(365 * 24 * time.Hour)})
	}
	sess := s.sessions[id]
	sess.nonce = randomHex(16)
	sess.seen = now
	return sess.nonce
}

// spendNonce checks a POST's token against its session and spends the
// session's nonce whatever the outcome (single use). known is false when the
// request carries no session we issued.
func (s *Server) spendNonce(r *http.Request, token string) (known, ok bool) {
	c, err := r.Cookie("PHPSESSID")
	if err != nil {
		return false, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sess := s.sessions[c.Value]
	if sess == nil {
		return false, false
	}
	ok = sess.nonce != "" && token == sess.nonce
	sess.nonce = ""
	sess.seen = time.Now()
	return true, ok
}
