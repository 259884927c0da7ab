package pacing

import "time"

// UsageWindow is how far back Gate.Usage looks: long enough to smooth a
// few slow lookups, short enough to show a stall the operator can act on.
const UsageWindow = 10 * time.Minute

// usage is a lane's record of the last UsageWindow: when requests went
// through, and when the lane stood open with nobody at it.
type usage struct {
	first    time.Time   // the first release ever; zero before it
	releases []time.Time // oldest first
	idle     []span      // oldest first
}

// span is a stretch of time [from, to).
type span struct{ from, to time.Time }

// Status is how much of the registrar's pacing allowance the lookups used,
// for the operator. A lookup is counted by its page load.
type Status struct {
	GapSeconds    float64 `json:"gap_seconds"`
	JitterSeconds float64 `json:"jitter_seconds"`
	// WindowSeconds is what the figures cover: the last UsageWindow, or
	// less since the first lookup.
	WindowSeconds float64 `json:"window_seconds"`
	// Lookups had their page load let through in the window.
	Lookups int `json:"lookups"`
	// LimitUsedPercent is the share of the window the page-load lane was
	// in use: a page load on its way or its enforced gap running. The rest
	// it stood open with no lookup ready (no work, or no captcha token).
	LimitUsedPercent float64 `json:"limit_used_percent"`
}

// Usage reports the pacing allowance used over the last UsageWindow (or
// since the first lookup, if later). An unpaced gate reports only its
// lookups.
func (g *Gate) Usage() Status {
	if g == nil {
		return Status{}
	}
	return g.lanes[PageLoad].usageStatus()
}

// noteIdle records that the lane could let a request through at `at` and
// the next one arrived only at `arrived`.
func (l *lane) noteIdle(at, arrived time.Time) {
	if !arrived.After(at) {
		return
	}
	l.mu.Lock()
	l.usage.idle = append(l.usage.idle, span{at, arrived})
	l.mu.Unlock()
}

// noteRelease records a request let through at t.
func (l *lane) noteRelease(t time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.usage.first.IsZero() {
		l.usage.first = t
	}
	l.usage.releases = append(l.usage.releases, t)
	l.pruneLocked(t)
}

// pruneLocked forgets what lies before the window ending at now.
func (l *lane) pruneLocked(now time.Time) {
	cut := now.Add(-UsageWindow)
	i := 0
	for i < len(l.usage.releases) && l.usage.releases[i].Before(cut) {
		i++
	}
	l.usage.releases = l.usage.releases[i:]
	j := 0
	for j < len(l.usage.idle) && !l.usage.idle[j].to.After(cut) {
		j++
	}
	l.usage.idle = l.usage.idle[j:]
}

// usageStatus is Gate.Usage for this lane.
func (l *lane) usageStatus() Status {
	now := l.clock.Now()
	st := Status{GapSeconds: l.cfg.Gap.Seconds(), JitterSeconds: l.cfg.Jitter.Seconds()}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.usage.first.IsZero() {
		return st
	}
	l.pruneLocked(now)
	from := now.Add(-UsageWindow)
	if l.usage.first.After(from) {
		from = l.usage.first
	}
	st.WindowSeconds = now.Sub(from).Seconds()
	st.Lookups = len(l.usage.releases)
	if now.Sub(from) <= 0 || l.cfg.off() {
		return st
	}
	idle := l.usage.idle
	if t := l.tail; t != nil && finished(t) {
		// Nobody came after the latest request: the lane has been open
		// since its gap ended.
		if at := next(t, l.cfg.Gap); now.After(at) {
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
