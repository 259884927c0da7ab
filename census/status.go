package census

import "slices"

// Statuses of a cedula_info record, in the order a check moves through them.
const (
	StatusPending           = "pending"
	StatusProcessing        = "processing"
	StatusActive            = "active"
	StatusNotFound          = "not_found"
	StatusCancelledDeceased = "cancelled_deceased"
	StatusCancelledOther    = "cancelled_other"
	StatusError             = "error"
	StatusTimeout           = "timeout"
	StatusBlocked           = "blocked"
)

// Statuses lists every status, for the select field and for APIs that count
// or validate statuses.
var Statuses = []string{
	StatusPending, StatusProcessing, StatusActive, StatusNotFound,
	StatusCancelledDeceased, StatusCancelledOther, StatusError, StatusTimeout, StatusBlocked,
}

// Answers are the statuses the registrar itself gave: revalidation checks
// them again once they are old, since any of them can change with time.
var Answers = []string{StatusActive, StatusNotFound, StatusCancelledDeceased, StatusCancelledOther}

// Settled are the answers that do not change on their own: a bulk refresh
// skips them unless asked for all. not_found is an answer but not settled,
// since it changes when the person enrols.
var Settled = []string{StatusActive, StatusCancelledDeceased, StatusCancelledOther}

// InFlight are the statuses of a check that is queued or running: queueing
// again is a no-op and a refresh is refused.
var InFlight = []string{StatusPending, StatusProcessing}

// Failed are the statuses a check ends in when it failed for good
// (FailedStatus); with InFlight and Answers they split Statuses, so the
// leaders' filter tabs cover every record exactly once.
var Failed = []string{StatusError, StatusTimeout, StatusBlocked}

// Cancelled are the answers whose novedad cancels the cédula: the person
// reads the novedad, the resolution and its date.
var Cancelled = []string{StatusCancelledDeceased, StatusCancelledOther}

// IsAnswer reports whether status is one of Answers.
func IsAnswer(status string) bool { return slices.Contains(Answers, status) }

// IsSettled reports whether status is one of Settled.
func IsSettled(status string) bool { return slices.Contains(Settled, status) }

// IsInFlight reports whether status is one of InFlight.
func IsInFlight(status string) bool { return slices.Contains(InFlight, status) }
