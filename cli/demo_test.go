package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/padron/padron/config"
	"github.com/padron/padron/demo"
)

// syncBuffer is a bytes.Buffer the command writes while the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestDemoServesACampaignToLogInto runs `padron demo` on a throwaway
// directory and checks what it prints: the three logins work over HTTP,
// the pyramid is eight levels deep, and the directory is gone at the end.
func TestDemoServesACampaignToLogInto(t *testing.T) {
	t.Parallel()
	root := &cobra.Command{Use: "padron", SilenceUsage: true}
	cfg := config.Default()
	// No worker: the test is about the data and the logins, not Chromium.
	cfg.Bind(root.PersistentFlags(), func(k string) string { return map[string]string{"PADRON_WORKER": "false"}[k] })
	Register(root, &cfg)
	var out syncBuffer
	root.SetArgs([]string{"demo", "--people", "60", "--http", "127.0.0.1:0"})
	root.SetOut(&out)
	root.SetErr(io.Discard)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- root.ExecuteContext(ctx) }()
	stopped := false
	stop := func() error {
		if stopped {
			return nil
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(30 * time.Second):
			return fmt.Errorf("the demo did not stop within 30s")
		}
	}
	t.Cleanup(func() { _ = stop() })

	deadline := time.Now().Add(60 * time.Second)
	for !strings.Contains(out.String(), "Ctrl-C stops it.") {
		select {
		case err := <-done:
			t.Fatalf("demo ended early: %v\n%s", err, out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no banner within 60s:\n%s", out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	banner := out.String()
	base := regexp.MustCompile(`web app\s+(http://127\.0\.0\.1:\d+)/`).FindStringSubmatch(banner)
	dir := regexp.MustCompile(`data directory\s+(\S+)\s+\(removed on exit\)`).FindStringSubmatch(banner)
	if base == nil || dir == nil || !strings.Contains(banner, "8 levels deep") {
		t.Fatalf("banner lacks the address, the temp directory or the depth:\n%s", banner)
	}
	logins := regexp.MustCompile(`(?m)^  (coordinator|leader|member)\s+cédula (\d+)`).FindAllStringSubmatch(banner, -1)
	if len(logins) != 3 {
		t.Fatalf("want three logins in the banner, got %v:\n%s", logins, banner)
	}
	for _, l := range logins {
		var rec struct {
			Record struct{ Role string } `json:"record"`
		}
		status := postJSON(t, base[1]+"/api/collections/users/auth-with-password", "",
			map[string]string{"identity": l[2], "password": demo.Password}, &rec)
		if status != http.StatusOK {
			t.Errorf("%s %s cannot log in: HTTP %d", l[1], l[2], status)
			continue
		}
		want := l[1]
		if want == "coordinator" && rec.Record.Role == "leader" {
			want = "leader" // a data model without the coordinator role yet
		}
		if rec.Record.Role != want {
			t.Errorf("%s logged in with role %q", l[1], rec.Record.Role)
		}
	}

	// The pyramid, as the superuser reads it.
	var su struct{ Token string }
	if st := postJSON(t, base[1]+"/api/collections/_superusers/auth-with-password", "",
		map[string]string{"identity": demo.SuperuserEmail, "password": demo.Password}, &su); st != http.StatusOK {
		t.Fatalf("superuser login: HTTP %d", st)
	}
	var list struct {
		TotalItems int `json:"totalItems"`
		Items      []struct {
			ID         string `json:"id"`
			ReferredBy string `json:"referred_by"`
		} `json:"items"`
	}
	getJSON(t, base[1]+"/api/collections/users/records?perPage=500&fields=id,referred_by", su.Token, &list)
	if list.TotalItems != 60 {
		t.Errorf("%d users, want 60", list.TotalItems)
	}
	parent := map[string]string{}
	for _, u := range list.Items {
		parent[u.ID] = u.ReferredBy
	}
	deepest := 0
	for id := range parent {
		d := 0
		for p := parent[id]; p != ""; p = parent[p] {
			if d++; d > len(parent) {
				t.Fatal("the referral chain has a cycle")
			}
		}
		deepest = max(deepest, d)
	}
	if deepest != demo.MaxDepth {
		t.Errorf("deepest person is %d below the root, want %d", deepest, demo.MaxDepth)
	}

	if err := stop(); err != nil {
		t.Fatalf("demo: %v\n%s", err, out.String())
	}
	if _, err := os.Stat(dir[1]); !os.IsNotExist(err) {
		t.Errorf("the throwaway directory %s is still there (%v)", dir[1], err)
	}
}

func postJSON(t *testing.T, url, token string, body, out any) int {
	t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	return doJSON(t, req, token, out)
}

func getJSON(t *testing.T, url, token string, out any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if st := doJSON(t, req, token, out); st != http.StatusOK {
		t.Fatalf("GET %s: HTTP %d", url, st)
	}
}

func doJSON(t *testing.T, req *http.Request, token string, out any) int {
	t.Helper()
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	if res.StatusCode == http.StatusOK && out != nil {
		if err := json.NewDecoder(res.Body).Decode(out); err != nil {
			t.Fatalf("%s %s: decoding: %v", req.Method, req.URL, err)
		}
	}
	return res.StatusCode
}

// A non-loopback --http is refused before anything starts.
func TestDemoRefusesToListenBeyondLoopback(t *testing.T) {
	t.Parallel()
	_, err := run(t, nil, "", "demo", "--people", "20", "--http", "0.0.0.0:0")
	if err == nil || !strings.Contains(err.Error(), "loopback") {
		t.Fatalf("err = %v, want a refusal naming loopback", err)
	}
}

// The demo's engine may only ever reach this machine.
func TestDemoConfigRefusesRemoteURLs(t *testing.T) {
	t.Parallel()
	good := config.Default()
	good.RegistrarURL, good.EleccionesURL = "http://127.0.0.1:1/censo", "http://127.0.0.1:1/e"
	good.EleccionesAPIURL, good.CaptchaURL = "http://localhost:1/api", "http://[::1]:1/captcha"
	if err := onlyLoopback(&good); err != nil {
		t.Fatalf("loopback config refused: %v", err)
	}
	for name, mutate := range map[string]func(*config.Config){
		"real registrar":  func(c *config.Config) { c.RegistrarURL = config.Default().RegistrarURL },
		"real elecciones": func(c *config.Config) { c.EleccionesAPIURL = config.Default().EleccionesAPIURL },
		"real captcha":    func(c *config.Config) { c.CaptchaURL = "https://2captcha.com" },
		"lan address":     func(c *config.Config) { c.EleccionesURL = "http://192.168.1.2/e" },
	} {
		c := good
		mutate(&c)
		if err := onlyLoopback(&c); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
