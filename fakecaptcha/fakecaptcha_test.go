package fakecaptcha_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/padron/padron/fakecaptcha"
)

// setup serves a fake under /captcha, as the demo mounts it, and returns its
// base URL.
func setup(t *testing.T, cfg fakecaptcha.Config) (string, *fakecaptcha.Server) {
	t.Helper()
	fake := fakecaptcha.New(cfg)
	mux := http.NewServeMux()
	mux.Handle("/captcha/", http.StripPrefix("/captcha", fake))
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	return ts.URL + "/captcha", fake
}

// classicReply is the classic API's json=1 answer.
type classicReply struct {
	Status  int    `json:"status"`
	Request string `json:"request"`
}

func classic(t *testing.T, base, endpoint string, v url.Values) classicReply {
	t.Helper()
	v.Set("json", "1")
	var resp *http.Response
	var err error
	if endpoint == "in.php" {
		resp, err = http.PostForm(base+"/in.php", v)
	} else {
		resp, err = http.Get(base + "/res.php?" + v.Encode())
	}
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r classicReply
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		t.Fatalf("%s: %v", endpoint, err)
	}
	return r
}

func plain(t *testing.T, u string) string {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// taskReply is the task API's answer.
type taskReply struct {
	ErrorID   int             `json:"errorId"`
	ErrorCode string          `json:"errorCode"`
	TaskID    json.RawMessage `json:"taskId"`
	Status    string          `json:"status"`
	Balance   float64         `json:"balance"`
	Solution  struct {
		GRecaptchaResponse string `json:"gRecaptchaResponse"`
	} `json:"solution"`
}

func taskCall(t *testing.T, base, endpoint string, body map[string]any) taskReply {
	t.Helper()
	b, _ := json.Marshal(body)
	resp, err := http.Post(base+"/"+endpoint, "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r taskReply
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		t.Fatalf("%s: %v", endpoint, err)
	}
	return r
}

func submitClassic(key string) url.Values {
	return url.Values{"key": {key}, "method": {"userrecaptcha"}, "googlekey": {"6Lsite"}, "pageurl": {"https://example.test/form"}, "userAgent": {"UA/1"}}
}

func createTask(key string) map[string]any {
	return map[string]any{"clientKey": key, "task": map[string]any{"type": "RecaptchaV2TaskProxyless", "websiteURL": "https://example.test/form", "websiteKey": "6Lsite"}}
}

func checkToken(t *testing.T, tok string) {
	t.Helper()
	if !strings.HasPrefix(tok, fakecaptcha.TokenPrefix) || len(tok) < 400 {
		t.Fatalf("token %.20q… (len %d) does not look like a reCAPTCHA token", tok, len(tok))
	}
}

func TestClassicFlow(t *testing.T) {
	t.Parallel()
	base, fake := setup(t, fakecaptcha.Config{NotReadyPolls: 1, Balance: 3.5})
	sub := classic(t, base, "in.php", submitClassic("k1"))
	if sub.Status != 1 || sub.Request == "" {
		t.Fatalf("submit: %+v", sub)
	}
	id := sub.Request
	get := url.Values{"key": {"k1"}, "action": {"get"}, "id": {id}}
	if r := classic(t, base, "res.php", get); r.Status != 0 || r.Request != "CAPCHA_NOT_READY" {
		t.Fatalf("first poll: %+v, want CAPCHA_NOT_READY", r)
	}
	r := classic(t, base, "res.php", get)
	if r.Status != 1 {
		t.Fatalf("second poll: %+v", r)
	}
	checkToken(t, r.Request)
	if again := classic(t, base, "res.php", get); again.Request != r.Request {
		t.Fatal("token changed between polls")
	}
	if r := classic(t, base, "res.php", url.Values{"key": {"k1"}, "action": {"reportbad"}, "id": {id}}); r.Request != "OK_REPORT_RECORDED" {
		t.Fatalf("reportbad: %+v", r)
	}
	if r := classic(t, base, "res.php", url.Values{"key": {"k1"}, "action": {"getbalance"}}); r.Request != "3.5" {
		t.Fatalf("getbalance: %+v", r)
	}
	st := fake.StatsFor("k1")
	if st.Submits != 1 || st.Polls != 3 || st.Solves != 1 || !slices.Equal(st.ReportedBad, []string{id}) {
		t.Fatalf("stats: %+v", st)
	}
	if rec := st.Tasks[0]; rec.API != "classic" || rec.SiteKey != "6Lsite" || rec.PageURL != "https://example.test/form" || rec.UserAgent != "UA/1" || rec.ID != id {
		t.Fatalf("recorded task: %+v", rec)
	}
}

func TestClassicPlainText(t *testing.T) {
	t.Parallel()
	base, _ := setup(t, fakecaptcha.Config{NotReadyPolls: 1})
	v := submitClassic("k")
	resp, err := http.PostForm(base+"/in.php", v)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	id, found := strings.CutPrefix(string(b), "OK|")
	if !found {
		t.Fatalf("in.php without json=1: %q", b)
	}
	u := base + "/res.php?key=k&action=get&id=" + id
	if got := plain(t, u); got != "CAPCHA_NOT_READY" {
		t.Fatalf("poll: %q", got)
	}
	got := plain(t, u)
	tok, found := strings.CutPrefix(got, "OK|")
	if !found {
		t.Fatalf("poll: %.40q", got)
	}
	checkToken(t, tok)
	if got := plain(t, base+"/res.php?key=bad-key&action=getbalance"); got != "ERROR_WRONG_USER_KEY" {
		t.Fatalf("getbalance: %q", got)
	}
}

func TestClassicErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		form url.Values
		want string
	}{
		{"no key", submitClassic(""), "ERROR_KEY_DOES_NOT_EXIST"},
		{"bad key", submitClassic(fakecaptcha.KeyBad), "ERROR_WRONG_USER_KEY"},
		{"bad key variant", submitClassic(fakecaptcha.KeyBad + "-x"), "ERROR_WRONG_USER_KEY"},
		{"zero balance", submitClassic(fakecaptcha.KeyZeroBalance), "ERROR_ZERO_BALANCE"},
		{"busy", submitClassic(fakecaptcha.KeyBusy), "ERROR_NO_SLOT_AVAILABLE"},
		{"no googlekey", func() url.Values { v := submitClassic("k"); v.Del("googlekey"); return v }(), "ERROR_GOOGLEKEY"},
		{"no pageurl", func() url.Values { v := submitClassic("k"); v.Del("pageurl"); return v }(), "ERROR_PAGEURL"},
		{"wrong method", func() url.Values { v := submitClassic("k"); v.Set("method", "post"); return v }(), "ERROR_BAD_PARAMETERS"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			base, _ := setup(t, fakecaptcha.Config{})
			if r := classic(t, base, "in.php", tt.form); r.Status != 0 || r.Request != tt.want {
				t.Fatalf("got %+v, want %s", r, tt.want)
			}
		})
	}
}

func TestClassicPollErrors(t *testing.T) {
	t.Parallel()
	base, fake := setup(t, fakecaptcha.Config{UnsolvablePolls: 2})
	if r := classic(t, base, "res.php", url.Values{"key": {"k"}, "action": {"get"}, "id": {"42"}}); r.Request != "ERROR_WRONG_CAPTCHA_ID" {
		t.Fatalf("unknown id: %+v", r)
	}
	id := classic(t, base, "in.php", submitClassic(fakecaptcha.KeyUnsolvable)).Request
	get := url.Values{"key": {fakecaptcha.KeyUnsolvable}, "action": {"get"}, "id": {id}}
	for i := range 2 {
		if r := classic(t, base, "res.php", get); r.Request != "CAPCHA_NOT_READY" {
			t.Fatalf("poll %d: %+v", i, r)
		}
	}
	if r := classic(t, base, "res.php", get); r.Request != "ERROR_CAPTCHA_UNSOLVABLE" {
		t.Fatalf("poll 3: %+v", r)
	}
	other := url.Values{"key": {"someone-else"}, "action": {"reportbad"}, "id": {id}}
	if r := classic(t, base, "res.php", other); r.Request != "ERROR_WRONG_CAPTCHA_ID" {
		t.Fatalf("another key's task: %+v", r)
	}
	if r := classic(t, base, "res.php", url.Values{"key": {"k"}, "action": {"nope"}}); r.Request != "ERROR_EMPTY_ACTION" {
		t.Fatalf("unknown action: %+v", r)
	}
	if st := fake.Stats(); st.Solves != 0 || len(st.ReportedBad) != 0 {
		t.Fatalf("stats: %+v", st)
	}
}

func TestTaskFlow(t *testing.T) {
	t.Parallel()
	base, fake := setup(t, fakecaptcha.Config{NotReadyPolls: 1})
	r := taskCall(t, base, "createTask", createTask("k1"))
	if r.ErrorID != 0 || len(r.TaskID) == 0 || r.TaskID[0] == '"' {
		t.Fatalf("createTask: %+v (taskId %s, want a number)", r, r.TaskID)
	}
	poll := map[string]any{"clientKey": "k1", "taskId": r.TaskID}
	if p := taskCall(t, base, "getTaskResult", poll); p.ErrorID != 0 || p.Status != "processing" {
		t.Fatalf("first poll: %+v", p)
	}
	p := taskCall(t, base, "getTaskResult", poll)
	if p.Status != "ready" {
		t.Fatalf("second poll: %+v", p)
	}
	checkToken(t, p.Solution.GRecaptchaResponse)
	// CapSolver-style clients send the id as a string.
	if rep := taskCall(t, base, "reportIncorrectRecaptcha", map[string]any{"clientKey": "k1", "taskId": string(r.TaskID)}); rep.ErrorID != 0 || rep.Status != "success" {
		t.Fatalf("report: %+v", rep)
	}
	if b := taskCall(t, base, "getBalance", map[string]any{"clientKey": "k1"}); b.ErrorID != 0 || b.Balance != 10 {
		t.Fatalf("balance: %+v", b)
	}
	st := fake.StatsFor("k1")
	if st.Submits != 1 || st.Polls != 2 || st.Solves != 1 || !slices.Equal(st.ReportedBad, []string{string(r.TaskID)}) {
		t.Fatalf("stats: %+v", st)
	}
	if rec := st.Tasks[0]; rec.API != "task" || rec.SiteKey != "6Lsite" || rec.PageURL != "https://example.test/form" {
		t.Fatalf("recorded task: %+v", rec)
	}
}

func TestTaskErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		endpoint string
		body     map[string]any
		wantID   int
		wantCode string
	}{
		{"no key", "createTask", createTask(""), 1, "ERROR_KEY_DOES_NOT_EXIST"},
		{"bad key", "createTask", createTask(fakecaptcha.KeyBad), 1, "ERROR_KEY_DOES_NOT_EXIST"},
		{"bad key balance", "getBalance", map[string]any{"clientKey": fakecaptcha.KeyBad}, 1, "ERROR_KEY_DOES_NOT_EXIST"},
		{"zero balance", "createTask", createTask(fakecaptcha.KeyZeroBalance), 10, "ERROR_ZERO_BALANCE"},
		{"busy", "createTask", createTask(fakecaptcha.KeyBusy), 2, "ERROR_NO_SLOT_AVAILABLE"},
		{"unknown task", "getTaskResult", map[string]any{"clientKey": "k", "taskId": 7}, 16, "ERROR_NO_SUCH_CAPCHA_ID"},
		{"no task", "createTask", map[string]any{"clientKey": "k"}, 22, "ERROR_TASK_ABSENT"},
		{"wrong type", "createTask", map[string]any{"clientKey": "k", "task": map[string]any{"type": "HCaptchaTaskProxyless", "websiteURL": "u", "websiteKey": "s"}}, 23, "ERROR_TASK_NOT_SUPPORTED"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			base, _ := setup(t, fakecaptcha.Config{})
			if r := taskCall(t, base, tt.endpoint, tt.body); r.ErrorID != tt.wantID || r.ErrorCode != tt.wantCode {
				t.Fatalf("got %d %s, want %d %s", r.ErrorID, r.ErrorCode, tt.wantID, tt.wantCode)
			}
		})
	}
}

func TestTaskUnsolvable(t *testing.T) {
	t.Parallel()
	base, _ := setup(t, fakecaptcha.Config{})
	r := taskCall(t, base, "createTask", createTask(fakecaptcha.KeyUnsolvable))
	poll := map[string]any{"clientKey": fakecaptcha.KeyUnsolvable, "taskId": r.TaskID}
	if p := taskCall(t, base, "getTaskResult", poll); p.Status != "processing" {
		t.Fatalf("first poll: %+v", p)
	}
	if p := taskCall(t, base, "getTaskResult", poll); p.ErrorCode != "ERROR_CAPTCHA_UNSOLVABLE" {
		t.Fatalf("second poll: %+v", p)
	}
}

func TestBusyCountsPerKey(t *testing.T) {
	t.Parallel()
	base, fake := setup(t, fakecaptcha.Config{BusySubmits: 1})
	for _, key := range []string{"busy-a", "busy-b"} {
		if r := taskCall(t, base, "createTask", createTask(key)); r.ErrorCode != "ERROR_NO_SLOT_AVAILABLE" {
			t.Fatalf("%s first submit: %+v", key, r)
		}
		if r := taskCall(t, base, "createTask", createTask(key)); r.ErrorID != 0 {
			t.Fatalf("%s second submit: %+v", key, r)
		}
	}
	if st := fake.Stats(); st.Refused != 2 || st.Submits != 2 {
		t.Fatalf("stats: %+v", st)
	}
}

func TestSlowFollowsClock(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	now := time.Date(2026, 3, 8, 8, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	base, _ := setup(t, fakecaptcha.Config{SlowDelay: time.Minute, Now: clock})
	id := classic(t, base, "in.php", submitClassic(fakecaptcha.KeySlow)).Request
	get := url.Values{"key": {fakecaptcha.KeySlow}, "action": {"get"}, "id": {id}}
	if r := classic(t, base, "res.php", get); r.Request != "CAPCHA_NOT_READY" {
		t.Fatalf("before delay: %+v", r)
	}
	mu.Lock()
	now = now.Add(time.Minute)
	mu.Unlock()
	if r := classic(t, base, "res.php", get); r.Status != 1 {
		t.Fatalf("after delay: %+v", r)
	}
}

func TestMounting(t *testing.T) {
	t.Parallel()
	fake := fakecaptcha.New(fakecaptcha.Config{})
	root := httptest.NewServer(fake)
	t.Cleanup(root.Close)
	if r := taskCall(t, root.URL, "getBalance", map[string]any{"clientKey": "k"}); r.Balance != 10 {
		t.Fatalf("at root: %+v", r)
	}
	resp, err := http.Get(root.URL + "/nothing.php")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown path: %d", resp.StatusCode)
	}
	resp, err = http.Get(root.URL + "/createTask")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Fatalf("GET createTask: %d", resp.StatusCode)
	}
}
