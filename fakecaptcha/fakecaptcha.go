// Package fakecaptcha is a stand-in captcha-solving service speaking both
// the 2captcha classic API (in.php/res.php) and the JSON task API
// (createTask/getTaskResult), so tests and demos never pay nor touch the
// network. What it answers is scripted by the API key the client sends.
package fakecaptcha

import (
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Scripted API keys. A key equal to one of these, or starting with it plus
// "-" (e.g. "busy-t1"), follows its script with counters of its own, so
// parallel tests can share one fake. Any other non-empty key solves.
const (
	// KeyGood solves every task (any unknown non-empty key does too).
	KeyGood = "good-key"
	// KeyBad is refused everywhere: ERROR_WRONG_USER_KEY on the classic API,
	// ERROR_KEY_DOES_NOT_EXIST on the task API.
	KeyBad = "bad-key"
	// KeyZeroBalance is refused on submit with ERROR_ZERO_BALANCE; its balance
	// reads 0.
	KeyZeroBalance = "zero-balance"
	// KeyUnsolvable gets ERROR_CAPTCHA_UNSOLVABLE after
	// Config.UnsolvablePolls not-ready polls.
	KeyUnsolvable = "unsolvable"
	// KeyBusy gets ERROR_NO_SLOT_AVAILABLE on its first Config.BusySubmits
	// submits, then solves.
	KeyBusy = "busy"
	// KeySlow solves only Config.SlowDelay after submit.
	KeySlow = "slow"
)

// scripts lists the scripted keys; none is another's prefix plus "-".
var scripts = []string{KeyZeroBalance, KeyUnsolvable, KeyGood, KeyBad, KeyBusy, KeySlow}

// TokenPrefix starts every issued token, as real reCAPTCHA tokens do, so
// tests can tell a fake token from garbage.
const TokenPrefix = "03AGdBq2"

// Config scripts the fake; zero fields take the documented defaults.
type Config struct {
	// SolveDelay is how long an ordinary task stays CAPCHA_NOT_READY after
	// submit. Default 0: ready on the first poll.
	SolveDelay time.Duration
	// NotReadyPolls is how many polls of an ordinary task answer not-ready
	// before it is ready (on top of SolveDelay), to exercise polling without
	// depending on timing. Default 0.
	NotReadyPolls int
	// SlowDelay is how long KeySlow's tasks stay not ready. Default 20 s.
	SlowDelay time.Duration
	// UnsolvablePolls is how many polls KeyUnsolvable's tasks answer
	// not-ready before ERROR_CAPTCHA_UNSOLVABLE. Default 1.
	UnsolvablePolls int
	// BusySubmits is how many submits per KeyBusy key are refused with
	// ERROR_NO_SLOT_AVAILABLE. Default 2.
	BusySubmits int
	// Balance is what getbalance reports for funded keys. Default 10.
	Balance float64
	// Now is the clock delays are measured with. Default time.Now.
	Now func() time.Time
	// Chaos, when set, makes the service err at random; see Chaos.
	// Default nil: it answers as scripted.
	Chaos *Chaos
}

// Server is the fake service; mount it anywhere (it routes on the last path
// segment, so http.StripPrefix or a bare prefix both work). Safe for
// concurrent use.
type Server struct {
	cfg Config

	mu       sync.Mutex
	nextID   int64
	tasks    map[string]*task
	accounts map[string]*account
	chaos    *chaosState
}

// task is one submitted captcha.
type task struct {
	rec     TaskRecord
	script  string
	created time.Time
	polls   int
	token   string
	solved  bool
}

// account is the per-key state.
type account struct {
	submits int // submit attempts, for KeyBusy
	stats   Stats
}

// New returns a fake service following cfg.
func New(cfg Config) *Server {
	if cfg.SlowDelay <= 0 {
		cfg.SlowDelay = 20 * time.Second
	}
	if cfg.UnsolvablePolls <= 0 {
		cfg.UnsolvablePolls = 1
	}
	if cfg.BusySubmits <= 0 {
		cfg.BusySubmits = 2
	}
	if cfg.Balance == 0 {
		cfg.Balance = 10
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Server{
		cfg:      cfg,
		nextID:   74_123_456_789,
		tasks:    map[string]*task{},
		accounts: map[string]*account{},
	}
	s.cfg.Chaos, s.chaos = newChaos(cfg.Chaos)
	return s
}

// ServeHTTP routes by the last path segment: /in.php, /res.php, /createTask,
// /getTaskResult, /reportIncorrectRecaptcha, /getBalance.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch path.Base(r.URL.Path) {
	case "in.php", "res.php", "createTask", "getTaskResult":
		if s.chaosError(w) {
			return
		}
	}
	switch path.Base(r.URL.Path) {
	case "in.php":
		s.classicIn(w, r)
	case "res.php":
		s.classicRes(w, r)
	case "createTask":
		s.taskEndpoint(w, r, s.createTask)
	case "getTaskResult":
		s.taskEndpoint(w, r, s.getTaskResult)
	case "reportIncorrectRecaptcha":
		s.taskEndpoint(w, r, s.reportIncorrect)
	case "getBalance":
		s.taskEndpoint(w, r, s.getBalance)
	default:
		http.NotFound(w, r)
	}
}

// fault is a protocol-neutral failure; each API spells it its own way.
type fault int

const (
	ok fault = iota
	faultNoKey
	faultBadKey
	faultZeroBalance
	faultNoSlot
	faultUnsolvable
	faultNoSuchID
	faultBadParams
	faultTaskNotSupported
)

// script names the scripted behaviour key follows.
func script(key string) string {
	for _, k := range scripts {
		if key == k || strings.HasPrefix(key, k+"-") {
			return k
		}
	}
	return KeyGood
}

// checkKey refuses keys that cannot use the service at all.
func checkKey(key string) fault {
	switch {
	case key == "":
		return faultNoKey
	case script(key) == KeyBad:
		return faultBadKey
	}
	return ok
}

// acct returns key's state; s.mu must be held.
func (s *Server) acct(key string) *account {
	a := s.accounts[key]
	if a == nil {
		a = &account{}
		s.accounts[key] = a
	}
	return a
}

// submit records rec and returns the new task's id.
func (s *Server) submit(rec TaskRecord) (string, fault) {
	if f := checkKey(rec.Key); f != ok {
		return "", f
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.acct(rec.Key)
	a.submits++
	sc := script(rec.Key)
	switch {
	case sc == KeyZeroBalance:
		a.stats.Refused++
		return "", faultZeroBalance
	case sc == KeyBusy && a.submits <= s.cfg.BusySubmits:
		a.stats.Refused++
		return "", faultNoSlot
	case rec.SiteKey == "" || rec.PageURL == "":
		a.stats.Refused++
		return "", faultBadParams
	}
	s.nextID++
	rec.ID = strconv.FormatInt(s.nextID, 10)
	if sc == KeyGood && s.chaos != nil && s.draw(&s.chaos.counts.Unsolvable) {
		sc = KeyUnsolvable
	}
	s.tasks[rec.ID] = &task{rec: rec, script: sc, created: s.cfg.Now()}
	a.stats.Submits++
	a.stats.Tasks = append(a.stats.Tasks, rec)
	return rec.ID, ok
}

// poll returns id's token, or ready=false while it is still being "solved".
func (s *Server) poll(key, id string) (token string, ready bool, f fault) {
	if f := checkKey(key); f != ok {
		return "", false, f
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.acct(key)
	a.stats.Polls++
	t := s.tasks[id]
	if t == nil || t.rec.Key != key {
		return "", false, faultNoSuchID
	}
	t.polls++
	age := s.cfg.Now().Sub(t.created)
	switch t.script {
	case KeyUnsolvable:
		if t.polls > s.cfg.UnsolvablePolls {
			return "", false, faultUnsolvable
		}
		return "", false, ok
	case KeySlow:
		if age < s.cfg.SlowDelay {
			return "", false, ok
		}
	default:
		if age < s.cfg.SolveDelay || t.polls <= s.cfg.NotReadyPolls {
			return "", false, ok
		}
	}
	if !t.solved {
		t.solved = true
		t.token = newToken()
		a.stats.Solves++
	}
	return t.token, true, ok
}

// reportBad records a complaint about id.
func (s *Server) reportBad(key, id string) fault {
	if f := checkKey(key); f != ok {
		return f
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.tasks[id]
	if t == nil || t.rec.Key != key {
		return faultNoSuchID
	}
	a := s.acct(key)
	a.stats.ReportedBad = append(a.stats.ReportedBad, id)
	return ok
}

// balance is key's account balance.
func (s *Server) balance(key string) (float64, fault) {
	if f := checkKey(key); f != ok {
		return 0, f
	}
	if script(key) == KeyZeroBalance {
		return 0, ok
	}
	return s.cfg.Balance, ok
}

// newToken makes a long opaque token shaped like reCAPTCHA's (~450 chars).
func newToken() string {
	b := make([]byte, 330)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return TokenPrefix + base64.RawURLEncoding.EncodeToString(b)
}
