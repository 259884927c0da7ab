package fakeregistrar

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Paths the fake serves, as on the real hosts.
const (
	WSPPath        = "/censo/consultar/"
	EleccionesPath = "/identificacion"
	APIPath        = "/api/v1/citizen/get-information"
)

// The real reCAPTCHA sitekeys of both sites (from the contract).
const (
	WSPSiteKey        = "6LcthjAgAAAAAFIQLxy52074zanHv47cIvmIHglH"
	EleccionesSiteKey = "6Lc9DmgrAAAAAJAjWVhjDy1KSgqzqJikY5z7I9SV"
)

// Source names as census.Source spells them, for LookupRecord.Source.
const (
	SourceWSP        = "wsp"
	SourceElecciones = "elecciones"
)

// BlockStyle picks which firewall block page the fake serves.
type BlockStyle string

// The two block pages the contract describes.
const (
	BlockF5      BlockStyle = "f5"      // F5's default English "Request Rejected" page
	BlockSpanish BlockStyle = "spanish" // the registrar's Spanish variant (.blocked h3)
)

// Config scripts a fake registrar; the zero value is a faithful default.
type Config struct {
	// Fixtures scripts answers per cédula. Default (nil): DefaultFixtures().
	// Pass an empty non-nil slice to have every cédula answer DefaultCase.
	Fixtures []Fixture
	// DefaultCase answers cédulas without a fixture. Default: CaseFound, with
	// a location generated deterministically from the cédula.
	DefaultCase Case
	// SiteKey is the wsp page's reCAPTCHA sitekey. Default: WSPSiteKey.
	SiteKey string
	// EleccionesSiteKey is the 2026 page's sitekey. Default: EleccionesSiteKey.
	EleccionesSiteKey string
	// EleccionesAPIURL is where the 2026 page's script posts. Default: APIPath
	// on the same origin; point it at another origin to exercise CORS.
	EleccionesAPIURL string
	// VerifyToken decides whether a captcha token is genuine (source is
	// SourceWSP or SourceElecciones). Default: any non-empty token passes;
	// point it at the fake captcha service to check tokens end to end.
	VerifyToken func(ctx context.Context, source, token string) bool
	// AllowTokenReuse accepts a captcha token more than once. Default false:
	// a token is spent on first use, as Google's siteverify does.
	AllowTokenReuse bool
	// AllowHeadless serves user agents that say HeadlessChrome (or none).
	// Default false: they get the block page, as the real firewall does.
	AllowHeadless bool
	// BlockStyle picks the block page. Default: BlockF5.
	BlockStyle BlockStyle
	// SecureCookies marks PHPSESSID Secure like the real site. Default false:
	// Go's cookie jar never sends Secure cookies over plain http.
	SecureCookies bool
	// Logger gets one debug line per lookup. Default: discards.
	Logger *slog.Logger
	// Chaos, when set, makes lookups fail at random (blocks, slow answers,
	// garbage, connection resets), reproducibly from its seed; see Chaos.
	// Default nil: every lookup gets its scripted answer.
	Chaos *Chaos
}

// LookupRecord is one lookup request that reached the fake, so tests can
// measure pacing and check what each attempt was answered.
type LookupRecord struct {
	At     time.Time // when the request arrived
	Source string    // SourceWSP or SourceElecciones
	Cedula string    // as submitted
	// Case is what the fake answered: the fixture's effective case, or
	// CaseBlocked / CaseReload / CaseCaptchaRejected when the request itself
	// was refused (see Reason); "" for a malformed request.
	Case   Case
	Reason string // why the request was refused; "" when the fixture answered
	Status int    // HTTP status sent
	// Delay is how long the answer was held back (a slow fixture or fault).
	Delay time.Duration
	// Chaos names the chaos fault served (ChaosBlock, ...), "" for none.
	Chaos string
}

// Counters are cumulative request counts, for load and pacing tests.
type Counters struct {
	WSPPageLoads        int // wsp form pages served
	EleccionesPageLoads int // 2026 pages served
	Lookups             int // lookup requests (== len(Lookups()))
	Blocks              int // block pages served, page loads included
	Preflights          int // CORS preflights answered
}

// Server is the fake registrar: an http.Handler serving both sites. Safe for
// concurrent use.
type Server struct {
	cfg      Config
	mux      *http.ServeMux
	tsCookie string // the F5 "TS" + 8 hex cookie name of this instance
	log      *slog.Logger
	done     chan struct{}
	doneOnce sync.Once

	mu       sync.Mutex
	fixtures map[string]Fixture
	sessions map[string]*session
	tokens   map[string]struct{} // spent captcha tokens
	attempts map[string]int      // lookups per cédula, for CaseFlaky
	lookups  []LookupRecord
	arrivals []Arrival
	counters Counters
	chaos    chaosState
}

// New builds a fake registrar from cfg.
func New(cfg Config) *Server {
	if cfg.Fixtures == nil {
		cfg.Fixtures = DefaultFixtures()
	}
	if cfg.DefaultCase == "" {
		cfg.DefaultCase = CaseFound
	}
	if cfg.SiteKey == "" {
		cfg.SiteKey = WSPSiteKey
	}
	if cfg.EleccionesSiteKey == "" {
		cfg.EleccionesSiteKey = EleccionesSiteKey
	}
	if cfg.EleccionesAPIURL == "" {
		cfg.EleccionesAPIURL = APIPath
	}
	if cfg.BlockStyle == "" {
		cfg.BlockStyle = BlockF5
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.Chaos != nil {
		c := cfg.Chaos.withDefaults()
		cfg.Chaos = &c
	}
	s := &Server{
		cfg:      cfg,
		mux:      http.NewServeMux(),
		tsCookie: "TS" + randomHex(4),
		log:      cfg.Logger,
		done:     make(chan struct{}),
		fixtures: map[string]Fixture{},
		sessions: map[string]*session{},
		tokens:   map[string]struct{}{},
		attempts: map[string]int{},
		chaos:    chaosState{perCedula: map[string]int{}},
	}
	for _, f := range cfg.Fixtures {
		s.fixtures[f.Cedula] = f.complete()
	}
	s.mux.HandleFunc(WSPPath, s.handleWSP)
	s.mux.HandleFunc(EleccionesPath, s.handleEleccionesPage)
	s.mux.HandleFunc(APIPath, s.handleAPI)
	s.mux.HandleFunc("/{$}", s.handleIndex)
	return s
}

// ServeHTTP routes to the two sites and anything mounted.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.noteArrival(r)
	s.mux.ServeHTTP(w, r)
}

// Mount serves h under prefix (e.g. "/captcha/"), with the prefix stripped,
// so other fakes (the captcha service) can share this origin.
func (s *Server) Mount(prefix string, h http.Handler) {
	if !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	s.mux.Handle(prefix, http.StripPrefix(strings.TrimSuffix(prefix, "/"), h))
}

// SetFixture adds or replaces the fixture for f.Cedula while serving, so a
// test can change the registrar's mind mid-run. It resets CaseFlaky counting.
func (s *Server) SetFixture(f Fixture) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fixtures[f.Cedula] = f.complete()
	delete(s.attempts, f.Cedula)
}

// Fixture returns the fixture that answers cedula (generated when none was
// scripted), so tests can state their expectation from the same table.
func (s *Server) Fixture(cedula string) Fixture {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.fixtureLocked(cedula)
}

func (s *Server) fixtureLocked(cedula string) Fixture {
	if f, ok := s.fixtures[cedula]; ok {
		return f
	}
	return Fixture{Cedula: cedula, Case: s.cfg.DefaultCase}.complete()
}

// Lookups returns a copy of every lookup request received, oldest first.
func (s *Server) Lookups() []LookupRecord {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]LookupRecord(nil), s.lookups...)
}

// Counters returns the request counts so far.
func (s *Server) Counters() Counters {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counters
}

// Close releases requests held back by a fixture's Delay, so a server can
// shut down promptly. The handler keeps answering afterwards, without delays.
func (s *Server) Close() {
	s.doneOnce.Do(func() { close(s.done) })
}

// record notes a lookup request and returns its record for logging.
// refuser returns how a site handler turns a lookup away: record why (rec
// as filled so far) and write the answer. Both sites refuse the same way.
func (s *Server) refuser(rec *LookupRecord) func(c Case, reason string, status int, answer func()) {
	return func(c Case, reason string, status int, answer func()) {
		rec.Case, rec.Reason, rec.Status = c, reason, status
		s.record(*rec)
		answer()
	}
}

func (s *Server) record(rec LookupRecord) {
	s.mu.Lock()
	s.lookups = append(s.lookups, rec)
	s.counters.Lookups++
	if rec.Case == CaseBlocked || rec.Case == CaseBlocked500 {
		s.counters.Blocks++
	}
	s.mu.Unlock()
	s.log.Debug("fakeregistrar lookup", "source", rec.Source, "cedula", rec.Cedula,
		"case", rec.Case, "reason", rec.Reason, "status", rec.Status, "chaos", rec.Chaos)
}

// resolve returns the case to answer for cedula on this attempt: CaseFlaky
// turns into CaseTransient for its first FailTimes attempts, then CaseFound.
func (s *Server) resolve(cedula string) Fixture {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.fixtureLocked(cedula)
	if f.Case == CaseFlaky {
		s.attempts[cedula]++
		if s.attempts[cedula] <= f.FailTimes {
			f.Case = CaseTransient
		} else {
			f.Case = CaseFound
		}
	}
	return f
}

// hold waits out a fixture's Delay unless the request or the server ends first.
func (s *Server) hold(r *http.Request, d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-r.Context().Done():
	case <-s.done:
	}
}

// isHeadless reports whether the firewall would reject this user agent.
func (s *Server) isHeadless(r *http.Request) bool {
	if s.cfg.AllowHeadless {
		return false
	}
	ua := r.UserAgent()
	return strings.TrimSpace(ua) == "" || strings.Contains(ua, "HeadlessChrome")
}

// spendToken validates a captcha token and marks it used; it returns a
// refusal reason or "".
func (s *Server) spendToken(ctx context.Context, source, token string) string {
	if token == "" {
		return "empty captcha"
	}
	if s.cfg.VerifyToken != nil && !s.cfg.VerifyToken(ctx, source, token) {
		return "captcha token rejected"
	}
	if s.cfg.AllowTokenReuse {
		return ""
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, used := s.tokens[token]; used {
		return "captcha token reused"
	}
	if len(s.tokens) >= maxSpentTokens {
		clear(s.tokens) // bounded memory; forgetting very old tokens is harmless
	}
	s.tokens[token] = struct{}{}
	return ""
}

// maxSpentTokens bounds the spent-token set.
const maxSpentTokens = 200_000

// setTSCookie sets F5's "TS…" cookie, as every answer behind the firewall has.
func (s *Server) setTSCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: s.tsCookie, Value: "01" + randomHex(40), Path: "/"})
}

// handleIndex lists the two sites, for people running the demo.
func (s *Server) handleIndex(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = io.WriteString(w, `<!DOCTYPE html><html lang="es"><head><meta charset="utf-8"><title>Registrador simulado</title></head><body>
<h1>Registrador simulado (solo pruebas)</h1><ul>
<li><a href="`+WSPPath+`">Consulta de lugar de votación (wsp)</a></li>
<li><a href="`+EleccionesPath+`">Consulta elecciones 2026</a></li></ul></body></html>`)
}
