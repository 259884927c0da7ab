package census

import (
	"errors"
	"fmt"
)

// Error classes a caller branches on with errors.Is; every lookup failure wraps
// exactly one of them.
var (
	// ErrBlocked: the F5 firewall answered with its block page. Back off.
	ErrBlocked = errors.New("blocked")
	// ErrTimeout: the lookup outlived its deadline (page load, AJAX answer).
	ErrTimeout = errors.New("timeout")
	// ErrCaptcha: the captcha service could not solve it, or the site rejected
	// the token. Worth another attempt.
	ErrCaptcha = errors.New("captcha")
	// ErrCaptchaConfig: no key, a wrong key, or zero balance. Retrying is
	// pointless until an admin fixes the configuration.
	ErrCaptchaConfig = errors.New("captcha_config")
	// ErrCaptchaUnreachable: the captcha service could not be reached
	// (connection refused, DNS, a timeout talking to it). The registrar was
	// never asked. Worth another attempt.
	ErrCaptchaUnreachable = errors.New("captcha_unreachable")
	// ErrTransient: the site's backend hiccuped ("Curl error", a 5xx,
	// reload: true). Worth another attempt.
	ErrTransient = errors.New("transient")
	// ErrSiteChanged: a page or JSON we cannot parse. Kept as evidence.
	ErrSiteChanged = errors.New("site_changed")
)

// Classes lists every error class, in the order the CLI documents them.
var Classes = []error{ErrBlocked, ErrTimeout, ErrCaptcha, ErrCaptchaConfig, ErrCaptchaUnreachable, ErrTransient, ErrSiteChanged}

// Evidence is what a failed lookup saw, so a person can tell a block from a
// site redesign after the fact.
type Evidence struct {
	URL        string // the page's final URL
	HTML       string // the page's final HTML
	Response   string // the raw body of the site's answer, if any
	Screenshot []byte // PNG of the viewport, if the page was still alive
}

// LookupError is a classified lookup failure with the evidence it left.
type LookupError struct {
	Class    error  // one of the Err* classes above
	Message  string // human-readable detail, English
	Evidence *Evidence
	Err      error // underlying cause, if any
}

func (e *LookupError) Error() string {
	msg := e.Class.Error()
	if e.Message != "" {
		msg += ": " + e.Message
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap exposes both the class and the cause to errors.Is/As.
func (e *LookupError) Unwrap() []error {
	if e.Err == nil {
		return []error{e.Class}
	}
	return []error{e.Class, e.Err}
}

// Fail builds a classified error; msg is formatted like fmt.Sprintf.
func Fail(class error, err error, format string, args ...any) *LookupError {
	return &LookupError{Class: class, Err: err, Message: fmt.Sprintf(format, args...)}
}

// ClassOf returns the class err belongs to, or nil if it is none of them.
func ClassOf(err error) error {
	for _, c := range Classes {
		if errors.Is(err, c) {
			return c
		}
	}
	return nil
}

// EvidenceOf returns the evidence attached to err, if any.
func EvidenceOf(err error) *Evidence {
	var le *LookupError
	if errors.As(err, &le) {
		return le.Evidence
	}
	return nil
}
