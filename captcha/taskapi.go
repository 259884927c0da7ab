package captcha

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// TaskAPI speaks the JSON task protocol (createTask/getTaskResult) that
// 2captcha v2, anti-captcha and CapSolver share.
type TaskAPI struct {
	cfg Config
}

// NewTaskAPI checks cfg and fills its defaults; a missing key fails here with
// ErrConfig rather than on the first lookup.
func NewTaskAPI(cfg Config) (*TaskAPI, error) {
	cfg, err := cfg.withDefaults(APITask)
	if err != nil {
		return nil, err
	}
	return &TaskAPI{cfg: cfg}, nil
}

// Solve submits task and polls until the token is ready, the service gives
// up, cfg.Deadline passes or ctx ends.
func (c *TaskAPI) Solve(ctx context.Context, task Task) (Token, error) {
	return solve(ctx, &c.cfg, c, task)
}

// ReportBad tells the service the site rejected token, for a refund.
func (c *TaskAPI) ReportBad(ctx context.Context, token Token) error {
	if token.ID == "" {
		return fmt.Errorf("captcha: reportbad: token has no ID")
	}
	_, err := c.call(ctx, "reportbad", "/reportIncorrectRecaptcha", map[string]any{"taskId": taskIDJSON(token.ID)})
	return err
}

// Balance returns the account balance, so an operator sees money running out.
func (c *TaskAPI) Balance(ctx context.Context) (float64, error) {
	r, err := c.call(ctx, "balance", "/getBalance", nil)
	if err != nil {
		return 0, err
	}
	return r.Balance, nil
}

func (c *TaskAPI) submit(ctx context.Context, task Task) (string, error) {
	t := map[string]any{
		"type":       c.cfg.TaskType,
		"websiteURL": task.PageURL,
		"websiteKey": task.SiteKey,
	}
	if task.UserAgent != "" {
		t["userAgent"] = task.UserAgent
	}
	r, err := c.call(ctx, "submit", "/createTask", map[string]any{"task": t})
	if err != nil {
		return "", err
	}
	id := taskIDString(r.TaskID)
	if id == "" {
		return "", fmt.Errorf("captcha: submit: answer has no taskId")
	}
	return id, nil
}

func (c *TaskAPI) poll(ctx context.Context, id string) (string, bool, error) {
	r, err := c.call(ctx, "poll", "/getTaskResult", map[string]any{"taskId": taskIDJSON(id)})
	if err != nil {
		return "", false, err
	}
	switch r.Status {
	case "ready":
		if r.Solution.GRecaptchaResponse == "" {
			return "", false, fmt.Errorf("captcha: poll: task %s ready without gRecaptchaResponse", id)
		}
		return r.Solution.GRecaptchaResponse, true, nil
	case "failed":
		return "", false, serviceError("poll", "ERROR_CAPTCHA_UNSOLVABLE", "task status failed")
	}
	return "", false, nil // "processing", CapSolver's "idle"
}

// taskReply is the union of the task API's answers.
type taskReply struct {
	ErrorID          json.Number     `json:"errorId"`
	ErrorCode        string          `json:"errorCode"`
	ErrorDescription string          `json:"errorDescription"`
	TaskID           json.RawMessage `json:"taskId"`
	Status           string          `json:"status"`
	Balance          float64         `json:"balance"`
	Solution         struct {
		GRecaptchaResponse string `json:"gRecaptchaResponse"`
	} `json:"solution"`
}

// call POSTs body plus clientKey to path and returns the answer, or the
// service's error when errorId is not 0.
func (c *TaskAPI) call(ctx context.Context, op, path string, body map[string]any) (*taskReply, error) {
	if body == nil {
		body = map[string]any{}
	}
	body["clientKey"] = c.cfg.Key
	buf, err := json.Marshal(body)
	if err != nil {
		return nil, fmt.Errorf("captcha: %s: encoding request: %w", op, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.cfg.BaseURL+path, bytes.NewReader(buf))
	if err != nil {
		return nil, fmt.Errorf("captcha: %s: %w", op, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	status, raw, err := roundTrip(c.cfg.HTTPClient, req, op)
	if err != nil {
		return nil, err
	}
	var r taskReply
	if err := json.Unmarshal(raw, &r); err != nil {
		if status/100 != 2 {
			return nil, statusError(op, req, status)
		}
		return nil, fmt.Errorf("captcha: %s: unreadable answer from %s: %.80q", op, safeURL(req.URL), raw)
	}
	failed := r.ErrorID != "" && r.ErrorID != "0" || r.ErrorID == "" && r.ErrorCode != ""
	if !failed && status/100 != 2 {
		return nil, statusError(op, req, status)
	}
	if failed {
		code := r.ErrorCode
		if code == "" {
			code = "ERROR_ID_" + r.ErrorID.String()
		}
		return nil, serviceError(op, code, r.ErrorDescription)
	}
	return &r, nil
}

// taskIDString reads a taskId that is a number (2captcha, anti-captcha) or a
// string (CapSolver's UUIDs).
func taskIDString(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}

// taskIDJSON sends an id back in the type it came in: digits as a number,
// anything else as a string.
func taskIDJSON(id string) json.RawMessage {
	if _, err := strconv.ParseUint(id, 10, 64); err == nil && !strings.HasPrefix(id, "0") {
		return json.RawMessage(id)
	}
	b, _ := json.Marshal(id)
	return b
}
