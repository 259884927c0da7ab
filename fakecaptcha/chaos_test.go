package fakecaptcha_test

import (
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/padron/padron/fakecaptcha"
)

// chaosRun submits n tasks on the classic API and polls each once, and
// returns what every request got: an HTTP status, or the answer's text.
func chaosRun(t *testing.T, base string, n int) []string {
	t.Helper()
	var got []string
	for range n {
		v := url.Values{"key": {fakecaptcha.KeyGood}, "method": {"userrecaptcha"}, "googlekey": {"k"}, "pageurl": {"http://x/"}}
		res, err := http.PostForm(base+"/in.php", v)
		if err != nil {
			t.Fatal(err)
		}
		body := readAll(t, res)
		if res.StatusCode != http.StatusOK {
			got = append(got, res.Status)
			continue
		}
		id := strings.TrimPrefix(body, "OK|")
		res, err = http.Get(base + "/res.php?" + url.Values{"key": {fakecaptcha.KeyGood}, "action": {"get"}, "id": {id}}.Encode())
		if err != nil {
			t.Fatal(err)
		}
		body = readAll(t, res)
		if res.StatusCode != http.StatusOK {
			got = append(got, res.Status)
		} else {
			got = append(got, strings.SplitN(body, "|", 2)[0])
		}
	}
	return got
}

func readAll(t *testing.T, res *http.Response) string {
	t.Helper()
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestChaosErrsReproducibly checks chaos mode answers some requests HTTP
// 500 and makes some tasks unsolvable, the same way for the same seed.
func TestChaosErrsReproducibly(t *testing.T) {
	t.Parallel()
	cfg := fakecaptcha.Config{Chaos: &fakecaptcha.Chaos{Seed: 11, Rate: 0.2}}
	baseA, fakeA := setup(t, cfg)
	baseB, _ := setup(t, cfg)
	a, b := chaosRun(t, baseA, 100), chaosRun(t, baseB, 100)
	if !slices.Equal(a, b) {
		t.Errorf("same seed, different answers:\n%v\n%v", a, b)
	}
	count := map[string]int{}
	for _, g := range a {
		count[g]++
	}
	c := fakeA.Chaos()
	t.Logf("answers %v; chaos %+v", count, c)
	if count["500 Internal Server Error"] != c.Errors || c.Errors < 10 || c.Errors > 70 {
		t.Errorf("HTTP 500s: %d answered, %d counted", count["500 Internal Server Error"], c.Errors)
	}
	// An unsolvable task answers not ready once (unless that poll errs).
	if n := count["CAPCHA_NOT_READY"]; n == 0 || n > c.Unsolvable || count["OK"] == 0 {
		t.Errorf("want some unsolvable tasks and some tokens: %v %+v", count, c)
	}

	_, calm := setup(t, fakecaptcha.Config{})
	if calm.Chaos() != (fakecaptcha.ChaosCounts{}) {
		t.Error("chaos counted without chaos mode")
	}
}
