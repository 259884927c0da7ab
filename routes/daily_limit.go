package routes

import (
	"sync"
	"time"
)

// A member's own refreshes per day, beside the cooldown: each one spends a
// captcha and a turn at the registrar's pace that everyone shares.
const (
	// RefreshDailyLimitDefault is five own refreshes a day.
	RefreshDailyLimitDefault = 5
	// RefreshDailyLimitMin still lets a member re-check once a day.
	RefreshDailyLimitMin = 1
	// RefreshDailyLimitMax bounds the memory one member's history takes.
	RefreshDailyLimitMax = 1000
)

// day is the window the daily limit counts in.
const day = 24 * time.Hour

// DailyLimitError is a member's own refresh refused because they used the
// day's allowance; Wait is until the oldest one leaves the window.
type DailyLimitError struct {
	Limit int
	Wait  time.Duration
}

func (e *DailyLimitError) Error() string { return "daily refresh limit reached" }

// RetryAfterSeconds is Wait rounded up to whole seconds.
func (e *DailyLimitError) RetryAfterSeconds() int {
	return int((e.Wait + time.Second - 1) / time.Second)
}

// dailyLimit remembers each member's own refreshes of the last day, in
// memory: a restart forgets it, like the per-IP limiter.
type dailyLimit struct {
	max   int
	mu    sync.Mutex
	times map[string][]time.Time
}

func newDailyLimit(max int) *dailyLimit {
	if max == 0 {
		max = RefreshDailyLimitDefault
	}
	return &dailyLimit{max: max, times: map[string][]time.Time{}}
}

// check refuses who's next refresh at now when the day's allowance is used.
func (d *dailyLimit) check(who string, now time.Time) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	kept := d.times[who][:0]
	for _, t := range d.times[who] {
		if now.Sub(t) < day {
			kept = append(kept, t)
		}
	}
	if len(kept) == 0 {
		delete(d.times, who)
	} else {
		d.times[who] = kept
	}
	if len(kept) >= d.max {
		return &DailyLimitError{Limit: d.max, Wait: kept[0].Add(day).Sub(now)}
	}
	return nil
}

// note counts a refresh that was queued.
func (d *dailyLimit) note(who string, now time.Time) {
	d.mu.Lock()
	d.times[who] = append(d.times[who], now)
	d.mu.Unlock()
}
