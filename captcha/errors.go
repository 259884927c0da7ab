package captcha

import "fmt"

// ServiceError is an error the service itself reported; it keeps the
// service's code so logs and the operator screen name the real cause, and
// unwraps to one of the Err* classes when the code has a known meaning.
type ServiceError struct {
	Op    string // what we were doing: submit, poll, reportbad, balance
	Code  string // the service's code, e.g. ERROR_ZERO_BALANCE
	Text  string // the service's description, if it sent one
	Class error  // ErrConfig, ErrUnsolvable, ErrBusy or nil when unknown
}

func (e *ServiceError) Error() string {
	msg := fmt.Sprintf("captcha: %s: service answered %s", e.Op, e.Code)
	if e.Text != "" {
		msg += " (" + e.Text + ")"
	}
	if e.Class != nil {
		msg += ": " + e.Class.Error()
	}
	return msg
}

// Unwrap exposes the class to errors.Is.
func (e *ServiceError) Unwrap() error { return e.Class }

// serviceError classifies code into a *ServiceError.
func serviceError(op, code, text string) *ServiceError {
	return &ServiceError{Op: op, Code: code, Text: text, Class: classify(code)}
}

// classify maps the codes of 2captcha (both APIs), anti-captcha and CapSolver
// onto the failure classes; unknown codes stay unclassified.
func classify(code string) error {
	switch code {
	case "ERROR_WRONG_USER_KEY", "ERROR_KEY_DOES_NOT_EXIST", "ERROR_ZERO_BALANCE",
		"ERROR_IP_NOT_ALLOWED", "ERROR_IP_BLOCKED", "IP_BANNED", "ERROR_IP_BANNED",
		"ERROR_ACCOUNT_SUSPENDED", "ERROR_KEY_DENIED_ACCESS", "ERROR_NO_SUCH_METHOD",
		"ERROR_TASK_ABSENT", "ERROR_TASK_NOT_SUPPORTED", "ERROR_BAD_PARAMETERS",
		"ERROR_INVALID_TASK_DATA", "ERROR_GOOGLEKEY", "ERROR_PAGEURL",
		"ERROR_RECAPTCHA_INVALID_SITEKEY", "ERROR_RECAPTCHA_INVALID_DOMAIN",
		"ERROR_WRONG_GOOGLEKEY", "ERROR_BAD_TOKEN_OR_PAGEURL":
		return ErrConfig
	case "ERROR_CAPTCHA_UNSOLVABLE", "ERROR_CAPTCHA_SOLVE_FAILED", "ERROR_RECAPTCHA_TIMEOUT":
		return ErrUnsolvable
	case "ERROR_NO_SLOT_AVAILABLE", "ERROR_TOO_MUCH_REQUESTS", "MAX_USER_TURN",
		"ERROR_RATE_LIMIT", "ERROR_SERVICE_UNAVALIABLE", "ERROR_SERVICE_UNAVAILABLE":
		return ErrBusy
	}
	return nil
}
