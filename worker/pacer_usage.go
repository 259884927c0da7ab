package worker

import "time"

// UsageWindow is how far back Pacer.Usage looks: long enough to smooth a
// few slow lookups, short enough to show a stall the operator can act on.
const UsageWindow = 10 * time.Minute

// usage is the pacer's record of the last UsageWindow: when lookups went
// through, and when the gate stood open with nobody at it.
type usage struct {
	first    time.Time   // the first release ever; zero before it
	releases []time.Time // oldest first
	idle     []span      // oldest first
}

// span is a stretch of time [from, to).
type span struct{ from, to time.Time }

// PacingStatus is how much of the registrar's pacing allowance the worker
// used, for the operator.
type PacingStatus struct {
	GapSeconds    float64 `json:"gap_seconds"`
	JitterSeconds float64 `json:"jitter_seconds"`
	// WindowSeconds is what the figures cover: the last UsageWindow, or
	// less since the first lookup.
	WindowSeconds float64 `json:"window_seconds"`
	// Lookups went through the gate in the window.
	Lookups int `json:"lookups"`
	// LimitUsedPercent is the share of the window the gate was in use: a
	// lookup at the site or its enforced gap running. The rest the gate
	// stood open with no lookup ready (no work, or no captcha token).
	LimitUsedPercent float64 `json:"limit_used_percent"`
}

// noteIdle records that the gate could let a lookup through at `at` and
// the next one arrived only at `arrived`.
func (p *Pacer) noteIdle(at, arrived time.Time) {
	if !arrived.After(at) {
		return
	}
	p.mu.Lock()
	p.usage.idle = append(p.usage.idle, span{at, arrived})
	p.mu.Unlock()
}

// noteRelease records a lookup let through at t.
func (p *Pacer) noteRelease(t time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.usage.first.IsZero() {
		p.usage.first = t
	}
	p.usage.releases = append(p.usage.releases, t)
	p.pruneLocked(t)
}

// pruneLocked forgets what lies before the window ending at now.
func (p *Pacer) pruneLocked(now time.Time) {
	cut := now.Add(-UsageWindow)
	i := 0
	for i < len(p.usage.releases) && p.usage.releases[i].Before(cut) {
		i++
	}
	p.usage.releases = p.usage.releases[i:]
	j := 0
	for j < len(p.usage.idle) && !p.usage.idle[j].to.After(cut) {
		j++
	}
	p.usage.idle = p.usage.idle[j:]
}

// Usage reports the pacing allowance used over the last UsageWindow (or
// since the first lookup, if later). An unpaced gate reports only its
// lookups.
func (p *Pacer) Usage() PacingStatus {
	if p == nil {
		return PacingStatus{}
	}
	now := p.clock.Now()
	st := PacingStatus{GapSeconds: p.gap.Seconds(), JitterSeconds: p.jitter.Seconds()}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.usage.first.IsZero() {
		return st
	}
	p.pruneLocked(now)
	from := now.Add(-UsageWindow)
	if p.usage.first.After(from) {
		from = p.usage.first
	}
	st.WindowSeconds = now.Sub(from).Seconds()
	st.Lookups = len(p.usage.releases)
	if now.Sub(from) <= 0 || (p.gap <= 0 && p.jitter <= 0) {
		return st
	}
	idle := p.usage.idle
	if t := p.tail; t != nil && finished(t) {
		// Nobody came after the latest lookup: the gate has been open since
		// its gap ended.
		at := t.released.Add(p.gap)
		if after := t.doneAt.Add(p.gap - p.gap/WireSlack); after.After(at) {
			at = after
		}
		if now.After(at) {
			idle = append(idle[:len(idle):len(idle)], span{at, now})
		}
	}
	var idleTime time.Duration
	for _, s := range idle {
		a, b := s.from, s.to
		if a.Before(from) {
			a = from
		}
		if b.After(a) {
			idleTime += b.Sub(a)
		}
	}
	window := now.Sub(from)
	st.LimitUsedPercent = 100 * float64(window-idleTime) / float64(window)
	return st
}

// finished reports whether t's lookup is over.
func finished(t *turn) bool {
	select {
	case <-t.finished:
		return true
	default:
		return false
	}
}
