package captcha

import (
	"encoding/json"
	"errors"
	"testing"
	"time"
)

func TestDefaults(t *testing.T) {
	t.Parallel()
	for api, base := range map[string]string{APIClassic: ClassicBaseURLDefault, APITask: TaskBaseURLDefault} {
		cfg, err := Config{Key: "k"}.withDefaults(api)
		if err != nil {
			t.Fatal(err)
		}
		if cfg.BaseURL != base || cfg.FirstPoll != 15*time.Second || cfg.PollInterval != 5*time.Second ||
			cfg.Deadline != 150*time.Second || cfg.BusyBackoff != 5*time.Second || cfg.HTTPClient == nil ||
			cfg.TaskType != TaskTypeDefault {
			t.Errorf("%s defaults: %+v", api, cfg)
		}
	}
	cfg, err := Config{Key: "k", BaseURL: "http://127.0.0.1:8090/captcha/"}.withDefaults(APIClassic)
	if err != nil || cfg.BaseURL != "http://127.0.0.1:8090/captcha" {
		t.Fatalf("trailing slash: %q, %v", cfg.BaseURL, err)
	}
}

func TestClassify(t *testing.T) {
	t.Parallel()
	for code, want := range map[string]error{
		"ERROR_WRONG_USER_KEY":     ErrConfig,
		"ERROR_KEY_DOES_NOT_EXIST": ErrConfig,
		"ERROR_ZERO_BALANCE":       ErrConfig,
		"ERROR_CAPTCHA_UNSOLVABLE": ErrUnsolvable,
		"ERROR_NO_SLOT_AVAILABLE":  ErrBusy,
		"ERROR_TOO_MUCH_REQUESTS":  ErrBusy,
		"ERROR_WRONG_CAPTCHA_ID":   nil,
	} {
		err := serviceError("submit", code, "")
		if got := classify(code); got != want {
			t.Errorf("%s: class %v, want %v", code, got, want)
		}
		if want != nil && !errors.Is(err, want) {
			t.Errorf("%s: %v does not unwrap to %v", code, err, want)
		}
	}
}

func TestParseClassic(t *testing.T) {
	t.Parallel()
	tests := []struct {
		body        string
		ok          bool
		value, text string
		parsed      bool
	}{
		{`{"status":1,"request":"123"}`, true, "123", "", true},
		{`{"status":0,"request":"CAPCHA_NOT_READY"}`, false, notReady, "", true},
		{`{"status":0,"request":"ERROR_ZERO_BALANCE","error_text":"no funds"}`, false, "ERROR_ZERO_BALANCE", "no funds", true},
		{`{"status":"1","request":3.5}`, true, "3.5", "", true},
		{"OK|tok\n", true, "tok", "", true},
		{"ERROR_WRONG_USER_KEY", false, "ERROR_WRONG_USER_KEY", "", true},
		{"12.5", true, "12.5", "", true},
		{"<html>502</html>", false, "", "", false},
	}
	for _, tt := range tests {
		ok, v, text, parsed := parseClassic([]byte(tt.body))
		if ok != tt.ok || v != tt.value || text != tt.text || parsed != tt.parsed {
			t.Errorf("%q: got %v %q %q %v", tt.body, ok, v, text, parsed)
		}
	}
}

func TestTaskIDRoundTrip(t *testing.T) {
	t.Parallel()
	for raw, id := range map[string]string{
		`74123456790`:                            "74123456790",
		`"61f4c7a2-9c1e-4b8e-a1a1-0d6f3b1c2e4f"`: "61f4c7a2-9c1e-4b8e-a1a1-0d6f3b1c2e4f",
		`"0123"`:                                 "0123",
	} {
		if got := taskIDString(json.RawMessage(raw)); got != id {
			t.Errorf("taskIDString(%s) = %q, want %q", raw, got, id)
		}
		if got := string(taskIDJSON(id)); got != raw {
			t.Errorf("taskIDJSON(%q) = %s, want %s", id, got, raw)
		}
	}
}
