package captcha_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/padron/padron/captcha"
	"github.com/padron/padron/fakecaptcha"
)

var apis = []string{captcha.APIClassic, captcha.APITask}

var task = captcha.Task{SiteKey: "6LcSiteKey", PageURL: "https://wsp.example.test/consulta", UserAgent: "Mozilla/5.0 test"}

// setup serves a fake service under /captcha, as the demo mounts it, and
// returns its base URL.
func setup(t *testing.T, cfg fakecaptcha.Config) (string, *fakecaptcha.Server) {
	t.Helper()
	fake := fakecaptcha.New(cfg)
	mux := http.NewServeMux()
	mux.Handle("/captcha/", http.StripPrefix("/captcha", fake))
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	return ts.URL + "/captcha", fake
}

// newClient builds a client with test-sized waits; edit adjusts the config.
func newClient(t *testing.T, api, base, key string, edit func(*captcha.Config)) captcha.Client {
	t.Helper()
	cfg := captcha.Config{
		API:          api,
		BaseURL:      base,
		Key:          key,
		FirstPoll:    time.Millisecond,
		PollInterval: time.Millisecond,
		BusyBackoff:  time.Millisecond,
		Deadline:     10 * time.Second,
	}
	if edit != nil {
		edit(&cfg)
	}
	c, err := captcha.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// waitFor polls cond until it holds, failing the test after 5 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		<-time.After(time.Millisecond) // re-check interval; cond is the sync
	}
}

func TestSolve(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		key     string
		fake    fakecaptcha.Config
		edit    func(*captcha.Config)
		want    error
		codes   map[string]string // API -> service code expected in the message
		refused int
		polls   int
	}{
		{name: "solves after polling", key: "good-Zq9secret", fake: fakecaptcha.Config{NotReadyPolls: 2}, polls: 3},
		{name: "any key solves", key: "Zq9secret-unknown", polls: 1},
		{name: "bad key", key: fakecaptcha.KeyBad + "-Zq9secret", want: captcha.ErrConfig,
			codes: map[string]string{captcha.APIClassic: "ERROR_WRONG_USER_KEY", captcha.APITask: "ERROR_KEY_DOES_NOT_EXIST"}},
		{name: "zero balance", key: fakecaptcha.KeyZeroBalance + "-Zq9secret", want: captcha.ErrConfig, refused: 1,
			codes: map[string]string{captcha.APIClassic: "ERROR_ZERO_BALANCE", captcha.APITask: "ERROR_ZERO_BALANCE"}},
		{name: "unsolvable", key: fakecaptcha.KeyUnsolvable + "-Zq9secret", fake: fakecaptcha.Config{UnsolvablePolls: 2}, want: captcha.ErrUnsolvable, polls: 3,
			codes: map[string]string{captcha.APIClassic: "ERROR_CAPTCHA_UNSOLVABLE", captcha.APITask: "ERROR_CAPTCHA_UNSOLVABLE"}},
		{name: "busy then solves", key: fakecaptcha.KeyBusy + "-Zq9secret", fake: fakecaptcha.Config{BusySubmits: 2}, refused: 2, polls: 1},
		{name: "busy past deadline", key: fakecaptcha.KeyBusy + "-Zq9secret", fake: fakecaptcha.Config{BusySubmits: 1 << 30},
			edit: func(c *captcha.Config) { c.Deadline, c.BusyBackoff = 300*time.Millisecond, 10*time.Millisecond }, want: captcha.ErrBusy,
			codes: map[string]string{captcha.APIClassic: "ERROR_NO_SLOT_AVAILABLE", captcha.APITask: "ERROR_NO_SLOT_AVAILABLE"}},
		{name: "slow past deadline", key: fakecaptcha.KeySlow + "-Zq9secret", fake: fakecaptcha.Config{SlowDelay: time.Hour},
			edit: func(c *captcha.Config) { c.Deadline = 50 * time.Millisecond }, want: captcha.ErrTimeout},
	}
	for _, api := range apis {
		for _, tt := range tests {
			t.Run(api+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				base, fake := setup(t, tt.fake)
				c := newClient(t, api, base, tt.key, tt.edit)
				tok, err := c.Solve(t.Context(), task)
				st := fake.StatsFor(tt.key)
				if tt.want != nil {
					if !errors.Is(err, tt.want) {
						t.Fatalf("err = %v, want %v", err, tt.want)
					}
					if code := tt.codes[api]; !strings.Contains(err.Error(), code) {
						t.Errorf("err %q does not name the service code %s", err, code)
					}
					if strings.Contains(err.Error(), tt.key) {
						t.Errorf("err %q leaks the API key", err)
					}
					if tt.want == captcha.ErrBusy && errors.Is(err, captcha.ErrTimeout) {
						t.Errorf("busy error also claims ErrTimeout: %v", err)
					}
				} else {
					if err != nil {
						t.Fatal(err)
					}
					if !strings.HasPrefix(tok.Value, fakecaptcha.TokenPrefix) || len(tok.Value) < 400 || tok.ID == "" {
						t.Fatalf("token %.20q… (len %d, id %q)", tok.Value, len(tok.Value), tok.ID)
					}
					if st.Solves != 1 || len(st.Tasks) != 1 {
						t.Fatalf("stats: %+v", st)
					}
					rec := st.Tasks[0]
					if rec.ID != tok.ID || rec.SiteKey != task.SiteKey || rec.PageURL != task.PageURL || rec.UserAgent != task.UserAgent {
						t.Fatalf("the fake saw %+v for %+v", rec, task)
					}
				}
				if tt.polls != 0 && st.Polls != tt.polls {
					t.Errorf("polls = %d, want %d", st.Polls, tt.polls)
				}
				if tt.refused != 0 && st.Refused != tt.refused {
					t.Errorf("refused submits = %d, want %d", st.Refused, tt.refused)
				}
			})
		}
	}
}

func TestNoKeyFailsWithoutTraffic(t *testing.T) {
	t.Parallel()
	var hits atomic.Int64
	ts := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits.Add(1) }))
	t.Cleanup(ts.Close)
	for _, api := range []string{"", captcha.APIClassic, captcha.APITask} {
		for _, key := range []string{"", "  "} {
			_, err := captcha.New(captcha.Config{API: api, Key: key, BaseURL: ts.URL})
			if !errors.Is(err, captcha.ErrConfig) || !strings.Contains(err.Error(), "key") {
				t.Errorf("API %q key %q: err = %v, want ErrConfig about the key", api, key, err)
			}
		}
	}
	for _, cfg := range []captcha.Config{
		{API: "soap", Key: "k"},
		{Key: "k", BaseURL: "2captcha.com"},
		{Key: "k", BaseURL: "ftp://127.0.0.1/"},
	} {
		if _, err := captcha.New(cfg); !errors.Is(err, captcha.ErrConfig) {
			t.Errorf("%+v: err = %v, want ErrConfig", cfg, err)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("construction sent %d requests", n)
	}
}

// TestBaseURLs checks each protocol's default root and what CheckBaseURL,
// which config uses to refuse --captcha-url up front, accepts.
func TestBaseURLs(t *testing.T) {
	t.Parallel()
	for api, want := range map[string]string{
		captcha.APIClassic: captcha.ClassicBaseURLDefault, captcha.APITask: captcha.TaskBaseURLDefault, "soap": "",
	} {
		if got := captcha.DefaultBaseURL(api); got != want {
			t.Errorf("DefaultBaseURL(%q) = %q, want %q", api, got, want)
		}
	}
	for raw, ok := range map[string]bool{
		captcha.ClassicBaseURLDefault: true, "http://127.0.0.1:8090/captcha/": true,
		"2captcha.com": false, "ftp://127.0.0.1/": false, "https://2captcha.com/?x=1": false, "https://": false,
	} {
		if err := captcha.CheckBaseURL(raw); (err == nil) != ok || (err != nil && !errors.Is(err, captcha.ErrConfig)) {
			t.Errorf("CheckBaseURL(%q) = %v, want ok=%v (ErrConfig otherwise)", raw, err, ok)
		}
	}
}

func TestTaskValidation(t *testing.T) {
	t.Parallel()
	for _, api := range apis {
		base, fake := setup(t, fakecaptcha.Config{})
		c := newClient(t, api, base, "k", nil)
		if _, err := c.Solve(t.Context(), captcha.Task{PageURL: "https://x.test"}); !errors.Is(err, captcha.ErrConfig) {
			t.Errorf("%s: no site key: err = %v, want ErrConfig", api, err)
		}
		if st := fake.Stats(); st.Submits+st.Refused != 0 {
			t.Errorf("%s: an invalid task reached the service: %+v", api, st)
		}
	}
}

func TestCancelStopsPromptly(t *testing.T) {
	t.Parallel()
	stages := []struct {
		name  string
		key   string
		fake  fakecaptcha.Config
		edit  func(*captcha.Config)
		ready func(fakecaptcha.Stats) bool
	}{
		{"waiting for first poll", "good-key", fakecaptcha.Config{},
			func(c *captcha.Config) { c.FirstPoll = captcha.FirstPollMax },
			func(s fakecaptcha.Stats) bool { return s.Submits == 1 }},
		{"between polls", fakecaptcha.KeySlow, fakecaptcha.Config{SlowDelay: time.Hour},
			func(c *captcha.Config) { c.PollInterval = captcha.PollIntervalMax },
			func(s fakecaptcha.Stats) bool { return s.Polls == 1 }},
		{"busy backoff", fakecaptcha.KeyBusy, fakecaptcha.Config{BusySubmits: 1 << 30},
			func(c *captcha.Config) { c.BusyBackoff = time.Hour },
			func(s fakecaptcha.Stats) bool { return s.Refused == 1 }},
	}
	for _, api := range apis {
		for _, st := range stages {
			t.Run(api+"/"+st.name, func(t *testing.T) {
				t.Parallel()
				base, fake := setup(t, st.fake)
				c := newClient(t, api, base, st.key, func(c *captcha.Config) {
					c.Deadline = time.Hour
					st.edit(c)
				})
				ctx, cancel := context.WithCancel(t.Context())
				done := make(chan error, 1)
				go func() { _, err := c.Solve(ctx, task); done <- err }()
				waitFor(t, st.name, func() bool { return st.ready(fake.Stats()) })
				cancel()
				select {
				case err := <-done:
					if !errors.Is(err, context.Canceled) {
						t.Fatalf("err = %v, want context.Canceled", err)
					}
				case <-time.After(5 * time.Second):
					t.Fatal("Solve still running 5 s after cancel")
				}
			})
		}
	}
}

// hungService accepts requests and never answers until the client gives up.
func hungService(t *testing.T) (string, <-chan struct{}) {
	t.Helper()
	entered := make(chan struct{}, 16)
	stop := make(chan struct{})
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Reading the body lets the server notice the client hanging up.
		_, _ = io.Copy(io.Discard, r.Body)
		entered <- struct{}{}
		select {
		case <-r.Context().Done():
		case <-stop: // a failing test must not hang ts.Close
		}
	}))
	t.Cleanup(ts.Close)
	t.Cleanup(func() { close(stop) }) // runs before ts.Close
	return ts.URL, entered
}

func TestHungRequest(t *testing.T) {
	t.Parallel()
	for _, api := range apis {
		t.Run(api+"/cancel", func(t *testing.T) {
			t.Parallel()
			base, entered := hungService(t)
			c := newClient(t, api, base, "k", func(c *captcha.Config) { c.Deadline = time.Hour })
			ctx, cancel := context.WithCancel(t.Context())
			done := make(chan error, 1)
			go func() { _, err := c.Solve(ctx, task); done <- err }()
			<-entered
			cancel()
			select {
			case err := <-done:
				if !errors.Is(err, context.Canceled) {
					t.Fatalf("err = %v, want context.Canceled", err)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("Solve still running 5 s after cancel")
			}
		})
		t.Run(api+"/deadline", func(t *testing.T) {
			t.Parallel()
			base, _ := hungService(t)
			c := newClient(t, api, base, "k", func(c *captcha.Config) { c.Deadline = 50 * time.Millisecond })
			if _, err := c.Solve(t.Context(), task); !errors.Is(err, captcha.ErrTimeout) {
				t.Fatalf("err = %v, want ErrTimeout", err)
			}
		})
	}
}

func TestReportBad(t *testing.T) {
	t.Parallel()
	unknown := map[string]string{captcha.APIClassic: "ERROR_WRONG_CAPTCHA_ID", captcha.APITask: "ERROR_NO_SUCH_CAPCHA_ID"}
	for _, api := range apis {
		t.Run(api, func(t *testing.T) {
			t.Parallel()
			base, fake := setup(t, fakecaptcha.Config{})
			c := newClient(t, api, base, "good-key", nil)
			tok, err := c.Solve(t.Context(), task)
			if err != nil {
				t.Fatal(err)
			}
			if err := c.ReportBad(t.Context(), tok); err != nil {
				t.Fatal(err)
			}
			if got := fake.StatsFor("good-key").ReportedBad; !slices.Equal(got, []string{tok.ID}) {
				t.Fatalf("fake recorded reports %v, want [%s]", got, tok.ID)
			}
			err = c.ReportBad(t.Context(), captcha.Token{Value: "x", ID: "999"})
			if err == nil || !strings.Contains(err.Error(), unknown[api]) {
				t.Fatalf("unknown id: err = %v, want %s", err, unknown[api])
			}
			if err := c.ReportBad(t.Context(), captcha.Token{Value: "x"}); err == nil {
				t.Fatal("a token without ID was reported")
			}
		})
	}
}

func TestBalance(t *testing.T) {
	t.Parallel()
	for _, api := range apis {
		t.Run(api, func(t *testing.T) {
			t.Parallel()
			base, _ := setup(t, fakecaptcha.Config{Balance: 7.25})
			if b, err := newClient(t, api, base, "good-key", nil).Balance(t.Context()); err != nil || b != 7.25 {
				t.Fatalf("good key: %v, %v; want 7.25", b, err)
			}
			if b, err := newClient(t, api, base, fakecaptcha.KeyZeroBalance, nil).Balance(t.Context()); err != nil || b != 0 {
				t.Fatalf("zero balance: %v, %v; want 0", b, err)
			}
			if _, err := newClient(t, api, base, fakecaptcha.KeyBad, nil).Balance(t.Context()); !errors.Is(err, captcha.ErrConfig) {
				t.Fatalf("bad key: err = %v, want ErrConfig", err)
			}
		})
	}
}

func TestTransportErrors(t *testing.T) {
	t.Parallel()
	const key = "Zq9-secret-key"
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	for _, api := range apis {
		t.Run(api+"/unreachable hides key", func(t *testing.T) {
			t.Parallel()
			c := newClient(t, api, closed.URL, key, nil)
			_, err := c.Balance(t.Context())
			if err == nil || strings.Contains(err.Error(), key) {
				t.Fatalf("err = %v: want an error without the key", err)
			}
			if _, err := c.Solve(t.Context(), task); err == nil || strings.Contains(err.Error(), key) {
				t.Fatalf("solve err = %v: want an error without the key", err)
			}
		})
		t.Run(api+"/wrong base path", func(t *testing.T) {
			t.Parallel()
			base, _ := setup(t, fakecaptcha.Config{})
			c := newClient(t, api, strings.TrimSuffix(base, "/captcha")+"/elsewhere", key, nil)
			_, err := c.Solve(t.Context(), task)
			if !errors.Is(err, captcha.ErrConfig) || !strings.Contains(err.Error(), "HTTP_404") {
				t.Fatalf("err = %v, want ErrConfig naming HTTP_404", err)
			}
		})
	}
}

// TestUnreachableService checks that failing to reach the service (refused
// connection, a network timeout, the service vanishing between submit and
// poll) is ErrUnreachable, so nobody blames the registrar, while the
// caller's own cancellation is not.
func TestUnreachableService(t *testing.T) {
	t.Parallel()
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	hang := make(chan struct{})
	hanging := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		select {
		case <-hang:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(func() { close(hang); hanging.Close() })

	for _, api := range apis {
		t.Run(api+"/connection refused", func(t *testing.T) {
			t.Parallel()
			c := newClient(t, api, closed.URL, "k", nil)
			if _, err := c.Solve(t.Context(), task); !errors.Is(err, captcha.ErrUnreachable) {
				t.Fatalf("solve err = %v, want ErrUnreachable", err)
			}
			if _, err := c.Balance(t.Context()); !errors.Is(err, captcha.ErrUnreachable) {
				t.Fatalf("balance err = %v, want ErrUnreachable", err)
			}
		})
		t.Run(api+"/network timeout", func(t *testing.T) {
			t.Parallel()
			c := newClient(t, api, hanging.URL, "k", func(c *captcha.Config) {
				c.HTTPClient = &http.Client{Timeout: 50 * time.Millisecond}
			})
			if _, err := c.Solve(t.Context(), task); !errors.Is(err, captcha.ErrUnreachable) {
				t.Fatalf("solve err = %v, want ErrUnreachable", err)
			}
		})
		t.Run(api+"/gone while polling", func(t *testing.T) {
			t.Parallel()
			base, _ := setup(t, fakecaptcha.Config{})
			var submitted atomic.Bool
			// Submits reach the fake; once one did, every request is refused.
			proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if submitted.Load() {
					hj, ok := w.(http.Hijacker)
					if !ok {
						t.Error("no hijacker")
						return
					}
					conn, _, _ := hj.Hijack()
					conn.Close()
					return
				}
				if strings.Contains(r.URL.Path, "in.php") || strings.Contains(r.URL.Path, "createTask") {
					defer submitted.Store(true)
				}
				target := strings.TrimSuffix(base, "/captcha")
				req, _ := http.NewRequestWithContext(r.Context(), r.Method, target+r.URL.RequestURI(), r.Body)
				req.Header = r.Header
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				defer res.Body.Close()
				w.WriteHeader(res.StatusCode)
				_, _ = io.Copy(w, res.Body)
			}))
			t.Cleanup(proxy.Close)
			c := newClient(t, api, proxy.URL+"/captcha", fakecaptcha.KeyGood, func(c *captcha.Config) {
				c.Deadline = 300 * time.Millisecond
			})
			_, err := c.Solve(t.Context(), task)
			if !errors.Is(err, captcha.ErrTimeout) || !errors.Is(err, captcha.ErrUnreachable) {
				t.Fatalf("solve err = %v, want ErrTimeout caused by ErrUnreachable", err)
			}
		})
		t.Run(api+"/caller cancels", func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithCancel(t.Context())
			// The caller gives up while the service is handling the request.
			cancelling := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.Copy(io.Discard, r.Body) // so the server notices the client leave
				cancel()
				<-r.Context().Done()
			}))
			t.Cleanup(cancelling.Close)
			c := newClient(t, api, cancelling.URL, "k", nil)
			_, err := c.Solve(ctx, task)
			if !errors.Is(err, context.Canceled) || errors.Is(err, captcha.ErrUnreachable) {
				t.Fatalf("solve err = %v, want context.Canceled and not ErrUnreachable", err)
			}
		})
	}
}
