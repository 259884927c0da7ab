package fakeregistrar

import (
	"hash/fnv"
	"io"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"time"
)

// Cases served only in chaos mode: a fixture cannot script them.
const (
	CaseGarbage Case = "garbage" // HTTP 200 with a page that is neither the JSON nor a block page
	CaseReset   Case = "reset"   // the connection is closed with a TCP reset, no answer at all
)

// Chaos faults, as LookupRecord.Chaos names them.
const (
	ChaosBlock     = "block"     // the firewall's block page
	ChaosSlow      = "slow"      // the scripted answer, held back (Delay)
	ChaosGarbage   = "garbage"   // CaseGarbage
	ChaosReset     = "reset"     // CaseReset
	ChaosTransient = "transient" // the backend's "Curl error" (HTTP 500 on elecciones)
	ChaosStorm     = "storm"     // a block inside a storm of consecutive blocks
)

// chaosFaults are the per-lookup faults, drawn with equal odds.
var chaosFaults = []string{ChaosBlock, ChaosSlow, ChaosGarbage, ChaosReset, ChaosTransient}

// Chaos makes the fake misbehave at random, as the registrar does on a bad
// day, while keeping the truth: every lookup's LookupRecord says what was
// served (Case, Delay, Chaos), so a test can tell what each record should
// have ended as. Only lookups are affected, never page loads, so each fault
// is tied to a cédula.
type Chaos struct {
	// Seed makes a run reproducible: the same seed gives a cédula's n-th
	// lookup the same fault whatever the arrival order, and storms start at
	// the same lookup numbers. Default 0 (a valid seed).
	Seed uint64
	// Rate is the share of lookups that get a fault, from 0 to 1.
	// Default 0: DefaultChaosRate.
	Rate float64
	// SlowDelay is how long a late answer is held back; a slow fault is late
	// or, as often, sluggish (SlowDelay/8). Default DefaultChaosSlowDelay.
	SlowDelay time.Duration
	// StormEvery starts a storm of StormLength consecutive blocks at every
	// StormEvery-th lookup (counted across cédulas), the way the firewall
	// turns on a whole address, so a block breaker has something to trip
	// on. Default 0: DefaultChaosStormEvery; negative: no storms.
	StormEvery int
	// StormLength is how many consecutive lookups a storm blocks.
	// Default 0: DefaultChaosStormLength.
	StormLength int
}

// Chaos defaults.
const (
	DefaultChaosRate        = 0.3
	DefaultChaosSlowDelay   = 3 * time.Second
	DefaultChaosStormEvery  = 50
	DefaultChaosStormLength = 4
)

// withDefaults fills the zero fields.
func (c Chaos) withDefaults() Chaos {
	if c.Rate <= 0 {
		c.Rate = DefaultChaosRate
	}
	c.Rate = min(c.Rate, 1)
	if c.SlowDelay <= 0 {
		c.SlowDelay = DefaultChaosSlowDelay
	}
	if c.StormEvery == 0 {
		c.StormEvery = DefaultChaosStormEvery
	}
	if c.StormLength <= 0 {
		c.StormLength = DefaultChaosStormLength
	}
	return c
}

// chaosState counts lookups for the draws; guarded by Server.mu.
type chaosState struct {
	seq       int            // lookups seen, across cédulas
	perCedula map[string]int // lookups seen per cédula
	stormLeft int            // blocks left in the current storm
}

// unleash overlays a chaos fault, if one is drawn, on the answer f scripted
// for this lookup, and fills rec's Chaos. Without chaos mode f is unchanged.
func (s *Server) unleash(f Fixture, rec *LookupRecord) Fixture {
	if s.cfg.Chaos == nil {
		return f
	}
	c := *s.cfg.Chaos
	s.mu.Lock()
	s.chaos.seq++
	s.chaos.perCedula[f.Cedula]++
	seq, n := s.chaos.seq, s.chaos.perCedula[f.Cedula]
	storm := false
	switch {
	case s.chaos.stormLeft > 0:
		s.chaos.stormLeft--
		storm = true
	case c.StormEvery > 0 && seq%c.StormEvery == 0:
		s.chaos.stormLeft = c.StormLength - 1
		storm = true
	}
	s.mu.Unlock()
	if storm {
		rec.Chaos = ChaosStorm
		f.Case, f.Delay = CaseBlocked, 0
		return f
	}

	// The draw depends on the seed, the cédula and n only.
	h := fnv.New64a()
	_, _ = io.WriteString(h, f.Cedula)
	r := mrand.New(mrand.NewPCG(c.Seed, h.Sum64()^uint64(n)<<40))
	if r.Float64() >= c.Rate {
		return f
	}
	rec.Chaos = chaosFaults[r.IntN(len(chaosFaults))]
	switch rec.Chaos {
	case ChaosBlock:
		f.Case, f.Delay = CaseBlocked, 0
	case ChaosSlow:
		f.Delay = c.SlowDelay
		if r.IntN(2) == 0 {
			f.Delay = c.SlowDelay / 8
		}
	case ChaosGarbage:
		f.Case, f.Delay = CaseGarbage, 0
	case ChaosReset:
		f.Case, f.Delay = CaseReset, 0
	case ChaosTransient:
		f.Case, f.Delay = CaseTransient, 0
	}
	return f
}

// garbagePage is what a misconfigured proxy or a half-deployed site serves.
const garbagePage = "<html><head><title>Inicio</title></head><body>\x00\xff\xfe<<<garbage " +
	"\u202e\u0000 {success:tru</body></html>"

// writeGarbage answers 200 with garbagePage and a random tail.
func writeGarbage(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html")
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, garbagePage+strconv.FormatUint(mrand.Uint64(), 36))
}

// resetConn closes the request's connection with a TCP reset and no answer;
// if the connection cannot be taken over, it answers garbage instead.
func resetConn(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		writeGarbage(w)
		return
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		writeGarbage(w)
		return
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0) // close sends RST, not FIN
	}
	_ = conn.Close()
}

// Want is what a correct scraper concludes from this served lookup, given
// the lookup timeout the client used: an answer held back past it is a
// timeout, a reset is transient, garbage is a site change.
func (r LookupRecord) Want(lookupTimeout time.Duration) Want {
	switch {
	case r.Delay >= lookupTimeout:
		return Want{Class: "timeout"}
	case r.Case == CaseReset:
		return Want{Class: "transient"}
	case r.Case == CaseGarbage:
		return Want{Class: "site_changed"}
	}
	return Fixture{Case: r.Case}.Want()
}
