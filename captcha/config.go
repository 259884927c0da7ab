package captcha

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Wire protocols Config.API accepts, so one setting picks the service family.
const (
	// APIClassic is the 2captcha in.php/res.php protocol (also rucaptcha and clones).
	APIClassic = "classic"
	// APITask is the createTask/getTaskResult JSON protocol (2captcha v2,
	// anti-captcha, CapSolver).
	APITask = "task"
)

// Default base URLs, so a production config only needs a key.
const (
	ClassicBaseURLDefault = "https://2captcha.com"
	TaskBaseURLDefault    = "https://api.2captcha.com"
)

// Client defaults, documented on Config; config.Default uses them too.
const (
	APIDefault          = APIClassic
	FirstPollDefault    = 15 * time.Second
	PollIntervalDefault = 5 * time.Second
	DeadlineDefault     = 150 * time.Second
	BusyBackoffDefault  = 5 * time.Second
	HTTPTimeoutDefault  = 30 * time.Second
)

// DefaultBaseURL is the service root for api (APIClassic or APITask), so a
// production config only needs a key; "" for an unknown protocol.
func DefaultBaseURL(api string) string {
	switch api {
	case APIClassic:
		return ClassicBaseURLDefault
	case APITask:
		return TaskBaseURLDefault
	}
	return ""
}

// CheckBaseURL reports whether raw can be a BaseURL: an absolute http(s)
// URL without a query, since request paths are appended to it.
func CheckBaseURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" {
		return fmt.Errorf("captcha: BaseURL %q is not an absolute http(s) URL without query: %w", raw, ErrConfig)
	}
	return nil
}

// TaskTypeDefault is the task API's reCAPTCHA v2 task without our own proxy,
// as 2captcha and anti-captcha spell it (CapSolver accepts
// "ReCaptchaV2TaskProxyLess").
const TaskTypeDefault = "RecaptchaV2TaskProxyless"

// Config tells a client which service to use and how patiently to wait; zero
// fields take the documented defaults, and the constructors refuse values
// out of the documented ranges (Validate).
type Config struct {
	// API picks the wire protocol: APIClassic or APITask. Default APIDefault
	// (APIClassic).
	API string

	// BaseURL is the service root; paths like /in.php or /createTask are
	// appended to it, so a prefix such as http://127.0.0.1:8090/captcha works.
	// Default DefaultBaseURL(API): ClassicBaseURLDefault for APIClassic,
	// TaskBaseURLDefault for APITask.
	BaseURL string

	// Key is the account's API key. Required: without it construction fails
	// with ErrConfig. Never logged nor put in error messages.
	Key string

	// HTTPClient sends the requests. Default: a client with a
	// HTTPTimeoutDefault (30 s) timeout per request.
	HTTPClient *http.Client

	// FirstPoll is the wait between submitting and the first result poll; the
	// services recommend 15–20 s for reCAPTCHA. FirstPollMin to FirstPollMax
	// (1ms to 2m); default FirstPollDefault (15 s).
	FirstPoll time.Duration

	// PollInterval is the wait between result polls, PollIntervalMin to
	// PollIntervalMax (1ms to 1m). Default PollIntervalDefault (5 s).
	PollInterval time.Duration

	// Deadline bounds a whole Solve (submit retries and polling) before it
	// fails with ErrTimeout. Default DeadlineDefault (150 s).
	Deadline time.Duration

	// BusyBackoff is the wait before resubmitting after the service answered
	// ERROR_NO_SLOT_AVAILABLE or ERROR_TOO_MUCH_REQUESTS. Default
	// BusyBackoffDefault (5 s).
	BusyBackoff time.Duration

	// TaskType is the task API's task type. Default TaskTypeDefault.
	// Ignored by APIClassic.
	TaskType string
}

// Client is a Solver that can also read the account balance, so an operator
// screen can warn before the money runs out.
type Client interface {
	Solver
	// Balance returns the account balance in the service's currency (USD
	// for 2captcha).
	Balance(ctx context.Context) (float64, error)
}

// New builds the client for cfg.API, so callers configure one struct and
// never branch on the protocol themselves.
func New(cfg Config) (Client, error) {
	switch cfg.API {
	case "", APIClassic:
		return NewClassic(cfg)
	case APITask:
		return NewTaskAPI(cfg)
	default:
		return nil, fmt.Errorf("captcha: unknown API %q (want %q or %q): %w", cfg.API, APIClassic, APITask, ErrConfig)
	}
}

// withDefaults validates cfg and fills its zero fields for the given API.
func (cfg Config) withDefaults(api string) (Config, error) {
	if err := cfg.Validate(); err != nil {
		return cfg, err
	}
	if strings.TrimSpace(cfg.Key) == "" {
		return cfg, fmt.Errorf("captcha: no API key configured for the %s API: %w", api, ErrConfig)
	}
	cfg.API = api
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL(api)
	}
	if err := CheckBaseURL(cfg.BaseURL); err != nil {
		return cfg, err
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: HTTPTimeoutDefault}
	}
	if cfg.FirstPoll <= 0 {
		cfg.FirstPoll = FirstPollDefault
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = PollIntervalDefault
	}
	if cfg.Deadline <= 0 {
		cfg.Deadline = DeadlineDefault
	}
	if cfg.BusyBackoff <= 0 {
		cfg.BusyBackoff = BusyBackoffDefault
	}
	if cfg.TaskType == "" {
		cfg.TaskType = TaskTypeDefault
	}
	return cfg, nil
}

// checkTask rejects a task no service could solve, before paying for it.
func checkTask(task Task) error {
	if task.SiteKey == "" || task.PageURL == "" {
		return fmt.Errorf("captcha: task needs both SiteKey and PageURL (got %q, %q): %w", task.SiteKey, task.PageURL, ErrConfig)
	}
	return nil
}
