package captcha

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
)

// maxBody caps what we read from the service: a token is a few KB.
const maxBody = 1 << 20

// roundTrip sends req and returns the answer's status and body. A network
// failure is ErrUnreachable unless the caller's context ended it. Its errors
// never carry the URL's query, where the classic API puts the key.
func roundTrip(hc *http.Client, req *http.Request, op string) (int, []byte, error) {
	resp, err := hc.Do(req)
	if err != nil {
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err
		}
		return 0, nil, fmt.Errorf("captcha: %s: %s %s: %w", op, req.Method, safeURL(req.URL), unreachable(req, err))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return 0, nil, fmt.Errorf("captcha: %s: reading answer from %s: %w", op, safeURL(req.URL), unreachable(req, err))
	}
	return resp.StatusCode, body, nil
}

// unreachable classifies a network failure as ErrUnreachable, keeping the
// cause; a failure caused by the request's own context is left as it is,
// so callers still see their cancellation or deadline.
func unreachable(req *http.Request, err error) error {
	if req.Context().Err() != nil {
		return err
	}
	return fmt.Errorf("%w: %w", ErrUnreachable, err)
}

// statusError explains an answer whose body we could not read as the
// protocol's, by its HTTP status.
func statusError(op string, req *http.Request, status int) error {
	code := fmt.Sprintf("HTTP_%d", status)
	switch status {
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		return &ServiceError{Op: op, Code: code, Class: ErrBusy}
	case http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusMethodNotAllowed:
		return &ServiceError{Op: op, Code: code, Text: "check BaseURL: " + safeURL(req.URL), Class: ErrConfig}
	}
	return fmt.Errorf("captcha: %s: %s %s: unexpected HTTP status %d", op, req.Method, safeURL(req.URL), status)
}

// safeURL is u without query or credentials, fit for messages.
func safeURL(u *url.URL) string {
	s := url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path}
	return s.String()
}
