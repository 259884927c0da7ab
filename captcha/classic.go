package captcha

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// notReady is the classic API's "keep waiting" answer, spelled without the T
// exactly as the service spells it.
const notReady = "CAPCHA_NOT_READY"

// Classic speaks the 2captcha in.php/res.php protocol, still the one most
// compatible services clone.
type Classic struct {
	cfg Config
}

// NewClassic checks cfg and fills its defaults; a missing key fails here with
// ErrConfig rather than on the first lookup.
func NewClassic(cfg Config) (*Classic, error) {
	cfg, err := cfg.withDefaults(APIClassic)
	if err != nil {
		return nil, err
	}
	return &Classic{cfg: cfg}, nil
}

// Solve submits task and polls until the token is ready, the service gives
// up, cfg.Deadline passes or ctx ends.
func (c *Classic) Solve(ctx context.Context, task Task) (Token, error) {
	return solve(ctx, &c.cfg, c, task)
}

// ReportBad tells the service the site rejected token, for a refund.
func (c *Classic) ReportBad(ctx context.Context, token Token) error {
	if token.ID == "" {
		return fmt.Errorf("captcha: reportbad: token has no ID")
	}
	_, err := c.res(ctx, "reportbad", url.Values{"action": {"reportbad"}, "id": {token.ID}})
	return err
}

// Balance returns the account balance, so an operator sees money running out.
func (c *Classic) Balance(ctx context.Context) (float64, error) {
	v, err := c.res(ctx, "balance", url.Values{"action": {"getbalance"}})
	if err != nil {
		return 0, err
	}
	b, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return 0, fmt.Errorf("captcha: balance: unreadable amount %q: %w", v, err)
	}
	return b, nil
}

func (c *Classic) submit(ctx context.Context, task Task) (string, error) {
	form := url.Values{
		"key":       {c.cfg.Key},
		"method":    {"userrecaptcha"},
		"googlekey": {task.SiteKey},
		"pageurl":   {task.PageURL},
		"json":      {"1"},
	}
	if task.UserAgent != "" {
		form.Set("userAgent", task.UserAgent)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.cfg.BaseURL+"/in.php", strings.NewReader(form.Encode()))
	if err != nil {
		return "", fmt.Errorf("captcha: submit: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	id, code, text, err := c.exchange(req, "submit")
	if err != nil {
		return "", err
	}
	if code != "" {
		return "", serviceError("submit", code, text)
	}
	return id, nil
}

func (c *Classic) poll(ctx context.Context, id string) (string, bool, error) {
	v, err := c.res(ctx, "poll", url.Values{"action": {"get"}, "id": {id}})
	if se := (*ServiceError)(nil); errors.As(err, &se) && se.Code == notReady {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	return v, true, nil
}

// res calls res.php with params plus key and json=1, returning the answer's
// request field or the service's error.
func (c *Classic) res(ctx context.Context, op string, params url.Values) (string, error) {
	params.Set("key", c.cfg.Key)
	params.Set("json", "1")
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.cfg.BaseURL+"/res.php?"+params.Encode(), nil)
	if err != nil {
		return "", fmt.Errorf("captcha: %s: %w", op, err)
	}
	v, code, text, err := c.exchange(req, op)
	if err != nil {
		return "", err
	}
	if code == notReady {
		return "", &ServiceError{Op: op, Code: code}
	}
	if code != "" {
		return "", serviceError(op, code, text)
	}
	return v, nil
}

// exchange sends req and reads the classic answer: the value on success, or
// the service's code (and description) on failure.
func (c *Classic) exchange(req *http.Request, op string) (value, code, text string, err error) {
	status, body, err := roundTrip(c.cfg.HTTPClient, req, op)
	if err != nil {
		return "", "", "", err
	}
	ok, v, text, parsed := parseClassic(body)
	switch {
	case !parsed && status/100 != 2:
		return "", "", "", statusError(op, req, status)
	case !parsed:
		return "", "", "", fmt.Errorf("captcha: %s: unreadable answer from %s: %.80q", op, safeURL(req.URL), body)
	case ok:
		return v, "", "", nil
	default:
		return "", v, text, nil
	}
}

// parseClassic reads both the json=1 form {"status":1,"request":"..."} and the
// plain "OK|..." / "ERROR_..." form some clones send regardless.
func parseClassic(body []byte) (ok bool, value, text string, parsed bool) {
	body = bytes.TrimSpace(body)
	var r struct {
		Status    json.Number     `json:"status"`
		Request   json.RawMessage `json:"request"`
		ErrorText string          `json:"error_text"`
	}
	if err := json.Unmarshal(body, &r); err == nil && r.Status != "" {
		var s string
		if json.Unmarshal(r.Request, &s) != nil {
			s = string(r.Request) // e.g. a bare number
		}
		return r.Status == "1", s, r.ErrorText, true
	}
	s := string(body)
	switch {
	case strings.HasPrefix(s, "OK|"):
		return true, s[3:], "", true
	case s == "OK_REPORT_RECORDED":
		return true, s, "", true
	case strings.HasPrefix(s, "ERROR_"), s == notReady, s == "MAX_USER_TURN", s == "IP_BANNED":
		return false, s, "", true
	}
	if _, err := strconv.ParseFloat(s, 64); err == nil && s != "" {
		return true, s, "", true // plain getbalance answer
	}
	return false, "", "", false
}
