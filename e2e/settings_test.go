package e2e_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/padron/padron/apptest"
)

// TestBinarySettingsTakeEffect runs the built binary with PADRON_* settings
// and uses it as a client would, proving the settings reach the running
// server: the configured refresh cooldown is the one enforced; a refresh
// and a bulk refresh wake the worker (its tick is set to an hour, so only
// a wake-up can start those checks); bulk refresh takes the fast path
// (saved with hooks off, announced to realtime by the worker).
func TestBinarySettingsTakeEffect(t *testing.T) {
	t.Parallel()
	bin := binary(t)
	reg := startFakes(t)
	cfg := fakeConfig(t, reg)
	tmp := t.TempDir()
	serverTmp := filepath.Join(tmp, "tmp")
	if err := os.Mkdir(serverTmp, 0o755); err != nil {
		t.Fatal(err)
	}
	s := &proc{t: t, bin: bin, dir: filepath.Join(tmp, "pb_data"), env: fakeEnv(reg, cfg.ChromiumPath, serverTmp,
		"PADRON_PACING=0s", "PADRON_PACING_JITTER=0s",
		"PADRON_REFRESH_COOLDOWN=4s",
		"PADRON_WORKER_TICK=1h",
	)}
	s.superuser()
	s.start()
	t.Cleanup(s.stop)
	super := s.superToken()

	// A registration wakes the worker (hooks): the check answers.
	leaderID := register(t, s.base, "1030000001", "")
	first := s.waitAnswer(super, leaderID, "")
	token := s.login("1030000001")

	// The cooldown is PADRON_REFRESH_COOLDOWN's 4 s, not the default 30 s.
	status, body := s.post(token, "/api/census/refresh", "")
	var cool struct {
		Data struct {
			Code       string `json:"code"`
			RetryAfter int    `json:"retry_after"`
		} `json:"data"`
	}
	_ = json.Unmarshal(body, &cool)
	if status != http.StatusTooManyRequests || cool.Data.Code != "cooldown" || cool.Data.RetryAfter < 1 || cool.Data.RetryAfter > 4 {
		t.Fatalf("refresh right after a check: HTTP %d %s; want 429 cooldown with retry_after ≤ 4", status, body)
	}

	// Once the cooldown is over, a refresh is accepted and the worker,
	// woken by it, answers again. (Asking in a loop would trip the rate
	// limiter: wait out retry_after instead.)
	waitOut(t, cool.Data.RetryAfter)
	if status, body = s.post(token, "/api/census/refresh", ""); status != http.StatusAccepted {
		t.Fatalf("refresh after the cooldown: HTTP %d %s", status, body)
	}
	s.waitAnswer(super, leaderID, first)

	// Bulk refresh by a leader of three referidos: queued in one
	// transaction with hooks off, announced by the worker, and checked at
	// once because the route woke the worker.
	s.patch(super, "/api/collections/users/records/"+leaderID, `{"role":"leader"}`)
	var leader struct {
		ReferralCode string `json:"referral_code"`
	}
	s.get(super, "/api/collections/users/records/"+leaderID, &leader)
	var ids []string
	answers := map[string]string{}
	for i := range 3 {
		id := register(t, s.base, fmt.Sprint(1030000002+i), leader.ReferralCode)
		ids = append(ids, id)
		answers[id] = s.waitAnswer(super, id, "")
	}
	before := s.announced(super)
	queued := 0
	for queued < len(ids) {
		status, body = s.post(token, "/api/census/bulk-refresh", fmt.Sprintf(`{"ids":["%s"],"all":true}`, strings.Join(ids, `","`)))
		var res struct {
			Queued  int `json:"queued"`
			Results []struct {
				Outcome    string `json:"outcome"`
				RetryAfter int    `json:"retry_after"`
			} `json:"results"`
		}
		if err := json.Unmarshal(body, &res); err != nil || status != http.StatusOK {
			t.Fatalf("bulk refresh: HTTP %d %s", status, body)
		}
		queued += res.Queued
		wait := 0
		for _, r := range res.Results {
			wait = max(wait, r.RetryAfter)
		}
		waitOut(t, wait)
	}
	for _, id := range ids {
		s.waitAnswer(super, id, answers[id])
	}
	if got := s.announced(super) - before; got != len(ids) {
		t.Errorf("worker announced %d bulk-queued records, want %d (the fast path)", got, len(ids))
	}
}

// waitOut lets a cooldown of secs seconds pass.
func waitOut(t testing.TB, secs int) {
	t.Helper()
	until := time.Now().Add(time.Duration(secs) * time.Second)
	waitFor(t, time.Duration(secs+1)*time.Second, "cooldown over", func() bool { return !time.Now().Before(until) })
}

// superuser creates the seeded superuser on the proc's data dir.
func (s *proc) superuser() {
	s.t.Helper()
	if out, err := execOutput(s.bin, "superuser", "upsert", "admin@padron.test", apptest.Password, "--dir", s.dir); err != nil {
		s.t.Fatalf("superuser: %v\n%s", err, out)
	}
}

// waitAnswer waits until userID's check has an answer fetched after the
// one given (any answer when it is ""), and returns its fetched_at.
func (s *proc) waitAnswer(token, userID, after string) string {
	s.t.Helper()
	var fetched string
	waitFor(s.t, 30*time.Second, "answer for "+userID, func() bool {
		var list struct {
			Items []struct {
				Status    string `json:"status"`
				FetchedAt string `json:"fetched_at"`
			} `json:"items"`
		}
		s.get(token, "/api/collections/cedula_info/records?filter="+urlQuery(fmt.Sprintf("user=%q", userID)), &list)
		if len(list.Items) != 1 || list.Items[0].Status != "active" || list.Items[0].FetchedAt <= after {
			return false
		}
		fetched = list.Items[0].FetchedAt
		return true
	})
	return fetched
}

func (s *proc) announced(token string) int {
	s.t.Helper()
	var st struct {
		Worker struct {
			Announced int `json:"announced"`
		} `json:"worker"`
	}
	s.get(token, "/api/census/worker", &st)
	return st.Worker.Announced
}

func (s *proc) login(cedula string) string {
	s.t.Helper()
	status, body := s.post("", "/api/collections/users/auth-with-password",
		fmt.Sprintf(`{"identity":%q,"password":%q}`, cedula, apptest.Password))
	var out struct{ Token string }
	if err := json.Unmarshal(body, &out); err != nil || status != http.StatusOK || out.Token == "" {
		s.t.Fatalf("login %s: HTTP %d %s", cedula, status, body)
	}
	return out.Token
}

func (s *proc) post(token, path, body string) (int, []byte) {
	return s.send(http.MethodPost, token, path, body)
}

func (s *proc) patch(token, path, body string) {
	s.t.Helper()
	if status, out := s.send(http.MethodPatch, token, path, body); status != http.StatusOK {
		s.t.Fatalf("PATCH %s: HTTP %d %s", path, status, out)
	}
}

func (s *proc) send(method, token, path, body string) (int, []byte) {
	s.t.Helper()
	req, err := http.NewRequest(method, s.base+path, strings.NewReader(body))
	if err != nil {
		s.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	return res.StatusCode, out
}
