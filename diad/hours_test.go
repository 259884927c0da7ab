package diad_test

import (
	"testing"
	"time"

	"github.com/padron/padron/diad"
)

// cot is a moment on election day 2026-03-08 in Colombian time.
func cot(hour, min int) time.Time {
	return time.Date(2026, 3, 8, hour, min, 0, 0, diad.Colombia)
}

func TestDefaultHoursAreColombianEightToFour(t *testing.T) {
	t.Parallel()
	h := diad.DefaultHours(time.Date(2026, 3, 8, 0, 0, 0, 0, time.UTC))
	if want := time.Date(2026, 3, 8, 13, 0, 0, 0, time.UTC); !h.Opens.Equal(want) {
		t.Errorf("opens %v, want %v (08:00 UTC-5)", h.Opens.UTC(), want)
	}
	if want := time.Date(2026, 3, 8, 21, 0, 0, 0, time.UTC); !h.Closes.Equal(want) {
		t.Errorf("closes %v, want %v (16:00 UTC-5)", h.Closes.UTC(), want)
	}
}

func TestCheckMarkWithPinnedClock(t *testing.T) {
	t.Parallel()
	h := diad.DefaultHours(time.Date(2026, 3, 8, 0, 0, 0, 0, time.UTC))
	cases := []struct {
		name          string
		markedAt, now time.Time
		code          string // "" accepted
	}{
		{"at opening", cot(8, 0), cot(8, 0), ""},
		{"midday", cot(12, 30), cot(12, 30), ""},
		{"at closing", cot(16, 0), cot(16, 0), ""},
		{"a minute before opening", cot(7, 59), cot(7, 59), "polls_not_open"},
		{"stated before opening, sent during", cot(7, 30), cot(9, 0), "polls_not_open"},
		{"a minute after closing", cot(16, 1), cot(16, 1), "polls_closed"},
		{"made at 15:30, sent at 17:59", cot(15, 30), cot(17, 59), ""},
		{"made at 15:30, sent exactly two hours after closing", cot(15, 30), cot(18, 0), ""},
		{"made at 15:30, sent at 18:01", cot(15, 30), cot(18, 1), "polls_closed"},
		{"stated in the future", cot(11, 0), cot(10, 0), "marked_in_future"},
		{"phone clock 30 s ahead", cot(10, 0).Add(30 * time.Second), cot(10, 0), ""},
		{"the day after", cot(10, 0).AddDate(0, 0, 1), cot(10, 0).AddDate(0, 0, 1), "polls_closed"},
		{"UTC midnight is 19:00 the day before in Colombia", time.Date(2026, 3, 8, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 8, 0, 0, 0, 0, time.UTC), "polls_not_open"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			err := h.CheckMark(c.markedAt, c.now)
			got := ""
			if err != nil {
				got, _ = err.Data["code"].(string)
				if err.Status != 409 {
					t.Errorf("status %d, want 409", err.Status)
				}
				if err.Message == "" {
					t.Error("no message")
				}
			}
			if got != c.code {
				t.Errorf("code %q, want %q", got, c.code)
			}
		})
	}
}
