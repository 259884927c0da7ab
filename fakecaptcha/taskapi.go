package fakecaptcha

import (
	"encoding/json"
	"net/http"
	"strings"
)

// taskCode is how the task API numbers and names a fault.
type taskCode struct {
	id   int
	code string
	desc string
}

// taskCodes spells each fault as the task API does.
var taskCodes = map[fault]taskCode{
	faultNoKey:            {1, "ERROR_KEY_DOES_NOT_EXIST", "Account authorization key not found in the system"},
	faultBadKey:           {1, "ERROR_KEY_DOES_NOT_EXIST", "Account authorization key not found in the system"},
	faultNoSlot:           {2, "ERROR_NO_SLOT_AVAILABLE", "No idle workers are available at the moment"},
	faultZeroBalance:      {10, "ERROR_ZERO_BALANCE", "Account has zero or negative balance"},
	faultUnsolvable:       {12, "ERROR_CAPTCHA_UNSOLVABLE", "Workers could not solve the captcha"},
	faultNoSuchID:         {16, "ERROR_NO_SUCH_CAPCHA_ID", "Task you are requesting does not exist"},
	faultBadParams:        {22, "ERROR_TASK_ABSENT", "Task property is empty or incomplete"},
	faultTaskNotSupported: {23, "ERROR_TASK_NOT_SUPPORTED", "Task type is not supported"},
}

// taskRequest is the union of the task API's request bodies.
type taskRequest struct {
	ClientKey string          `json:"clientKey"`
	TaskID    json.RawMessage `json:"taskId"`
	Task      *struct {
		Type       string `json:"type"`
		WebsiteURL string `json:"websiteURL"`
		WebsiteKey string `json:"websiteKey"`
		UserAgent  string `json:"userAgent"`
	} `json:"task"`
}

// taskID reads a taskId sent as a number or a string.
func (q *taskRequest) taskID() string {
	var s string
	if json.Unmarshal(q.TaskID, &s) == nil {
		return s
	}
	return strings.TrimSpace(string(q.TaskID))
}

// taskEndpoint decodes a POSTed JSON body for fn and writes fn's answer, or
// the fault it reports.
func (s *Server) taskEndpoint(w http.ResponseWriter, r *http.Request, fn func(*taskRequest) (map[string]any, fault)) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	var q taskRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&q); err != nil {
		writeJSON(w, map[string]any{"errorId": 110, "errorCode": "ERROR_BAD_PARAMETERS", "errorDescription": "Request body is not JSON"})
		return
	}
	out, f := fn(&q)
	if f != ok {
		c := taskCodes[f]
		writeJSON(w, map[string]any{"errorId": c.id, "errorCode": c.code, "errorDescription": c.desc})
		return
	}
	out["errorId"] = 0
	writeJSON(w, out)
}

func (s *Server) createTask(q *taskRequest) (map[string]any, fault) {
	if f := checkKey(q.ClientKey); f != ok {
		return nil, f
	}
	if q.Task == nil {
		return nil, faultBadParams
	}
	if !strings.EqualFold(q.Task.Type, "RecaptchaV2TaskProxyless") {
		return nil, faultTaskNotSupported
	}
	id, f := s.submit(TaskRecord{
		API:       "task",
		Key:       q.ClientKey,
		SiteKey:   q.Task.WebsiteKey,
		PageURL:   q.Task.WebsiteURL,
		UserAgent: q.Task.UserAgent,
		Type:      q.Task.Type,
	})
	if f != ok {
		return nil, f
	}
	return map[string]any{"taskId": json.Number(id)}, ok
}

func (s *Server) getTaskResult(q *taskRequest) (map[string]any, fault) {
	token, ready, f := s.poll(q.ClientKey, q.taskID())
	if f != ok {
		return nil, f
	}
	if !ready {
		return map[string]any{"status": "processing"}, ok
	}
	return map[string]any{
		"status":     "ready",
		"solution":   map[string]any{"gRecaptchaResponse": token},
		"cost":       "0.00299",
		"ip":         "127.0.0.1",
		"solveCount": 1,
	}, ok
}

func (s *Server) reportIncorrect(q *taskRequest) (map[string]any, fault) {
	if f := s.reportBad(q.ClientKey, q.taskID()); f != ok {
		return nil, f
	}
	return map[string]any{"status": "success"}, ok
}

func (s *Server) getBalance(q *taskRequest) (map[string]any, fault) {
	b, f := s.balance(q.ClientKey)
	if f != ok {
		return nil, f
	}
	return map[string]any{"balance": b}, ok
}
