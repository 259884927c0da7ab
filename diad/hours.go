package diad

import (
	"net/http"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/padron/padron/apierrors"
)

// Colombia is Colombian time (UTC-5, no daylight saving), fixed so the
// static binary needs no tzdata.
var Colombia = time.FixedZone("COT", -5*60*60)

const (
	// DefaultOpenHour is when polls open in Colombia, local time, unless the election says otherwise.
	DefaultOpenHour = 8
	// DefaultCloseHour is when polls close in Colombia, local time, unless the election says otherwise.
	DefaultCloseHour = 16
	// LateWindow is how long after closing a mark made during the open hours
	// (an offline phone's queue) is still accepted.
	LateWindow = 2 * time.Hour
	// UndoWindow is how long after it was made a mark may be undone by its author.
	UndoWindow = 5 * time.Minute
	// ClockSkew is how far in the future a client's stated time may be
	// (phones' clocks drift) before it is refused as future.
	ClockSkew = time.Minute
)

// Hours are an election's open hours.
type Hours struct {
	Opens, Closes time.Time
}

// HoursOf reads an election record's hours.
func HoursOf(election *core.Record) Hours {
	return Hours{Opens: election.GetDateTime("opens_at").Time(), Closes: election.GetDateTime("closes_at").Time()}
}

// DefaultHours are 08:00 to 16:00 Colombian time on the calendar day of
// date (as stored, in UTC).
func DefaultHours(date time.Time) Hours {
	y, m, d := date.UTC().Date()
	return Hours{
		Opens:  time.Date(y, m, d, DefaultOpenHour, 0, 0, 0, Colombia),
		Closes: time.Date(y, m, d, DefaultCloseHour, 0, 0, 0, Colombia),
	}
}

// Open reports whether t falls inside the hours (closing time included).
func (h Hours) Open(t time.Time) bool {
	return !t.Before(h.Opens) && !t.After(h.Closes)
}

// CheckMark says whether a mark stated as made at markedAt and received at
// now is accepted: markedAt inside the hours and not in the future, now no
// later than LateWindow after closing. The error is the answer to send.
func (h Hours) CheckMark(markedAt, now time.Time) *router.ApiError {
	switch {
	case markedAt.After(now.Add(ClockSkew)):
		return apierrors.New(http.StatusConflict, "marked_in_future",
			"La hora de la marca está en el futuro. Revisa la hora de tu teléfono.", nil)
	case now.Before(h.Opens) || markedAt.Before(h.Opens):
		return apierrors.New(http.StatusConflict, "polls_not_open",
			"La votación aún no ha abierto: se puede marcar desde las "+clock(h.Opens)+".", nil)
	case now.After(h.Closes.Add(LateWindow)) || markedAt.After(h.Closes):
		return apierrors.New(http.StatusConflict, "polls_closed",
			"La votación ya cerró ("+clock(h.Closes)+"): no se pueden registrar más votos.", nil)
	}
	return nil
}

// clock is t as Colombians read it on the day, e.g. "4:00 p. m.".
func clock(t time.Time) string {
	t = t.In(Colombia)
	suffix := "a. m."
	if t.Hour() >= 12 {
		suffix = "p. m."
	}
	h := t.Hour() % 12
	if h == 0 {
		h = 12
	}
	return time.Date(0, 1, 1, h, t.Minute(), 0, 0, time.UTC).Format("3:04") + " " + suffix
}
