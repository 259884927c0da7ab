// Package captcha gets reCAPTCHA v2 tokens from a solving service, so the
// scraper can submit the registrar's form like a person who ticked the box.
//
// Two wire protocols are spoken: the 2captcha classic API (in.php/res.php) and
// the JSON task API (createTask/getTaskResult) served by 2captcha v2,
// anti-captcha and CapSolver. Both have configurable base URLs so tests and
// demos point them at the fake service.
package captcha

import (
	"context"
	"errors"
)

// Failure classes a caller branches on with errors.Is.
var (
	// ErrConfig: missing or wrong key, zero balance. Not worth retrying.
	ErrConfig = errors.New("captcha misconfigured")
	// ErrUnsolvable: the service gave up on this captcha. Retry the lookup.
	ErrUnsolvable = errors.New("captcha unsolvable")
	// ErrBusy: the service asked us to back off (no slot, too many requests).
	ErrBusy = errors.New("captcha service busy")
	// ErrTimeout: no token before the solve deadline.
	ErrTimeout = errors.New("captcha timeout")
	// ErrUnreachable: the service could not be reached (connection
	// refused, DNS, a network timeout), as opposed to the service answering
	// badly. Retry the lookup later.
	ErrUnreachable = errors.New("captcha service unreachable")
)

// Task describes the captcha to solve.
type Task struct {
	SiteKey   string // the page's data-sitekey
	PageURL   string // the page the captcha lives on
	UserAgent string // optional: the browser's UA, so the token matches it
}

// Token is a solved captcha; ID lets the caller report it if the site
// rejects it.
type Token struct {
	Value string
	ID    string
}

// Solver turns a Task into a Token. Implementations are safe for concurrent use.
type Solver interface {
	Solve(ctx context.Context, task Task) (Token, error)
	// ReportBad tells the service the site rejected the token (refund, and
	// better workers next time). Best effort.
	ReportBad(ctx context.Context, token Token) error
}
