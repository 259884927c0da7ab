package fakeregistrar

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"testing"
	"time"
)

// chaosLookup posts one lookup to the 2026 API and reports what came back:
// the status and body, or the transport error a reset causes.
func chaosLookup(t *testing.T, run *Running, cedula string) (int, []byte, error) {
	t.Helper()
	b, _ := json.Marshal(map[string]string{"identification": cedula, "identification_type": "CC"})
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, run.EleccionesAPIURL(), bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", desktopUA)
	req.Header.Set("Authorization", "Bearer tok-"+randomHex(12))
	// A fresh connection per lookup, so a reset is seen by this request only.
	hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	res, err := hc.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	return res.StatusCode, body, err
}

// served is what the fake says it served, without the time of arrival.
type served struct {
	Case  Case
	Chaos string
	Delay time.Duration
}

func servedBy(run *Running) map[string][]served {
	out := map[string][]served{}
	for _, l := range run.Lookups() {
		out[l.Cedula] = append(out[l.Cedula], served{l.Case, l.Chaos, l.Delay})
	}
	return out
}

// TestChaosIsReproducibleFromTheSeed looks up the same cédulas on two fakes
// with the same seed, in a different order, and on a third with another
// seed: the same seed serves every cédula's n-th lookup the same fault.
func TestChaosIsReproducibleFromTheSeed(t *testing.T) {
	t.Parallel()
	chaos := func(seed uint64) Config {
		return Config{Fixtures: []Fixture{}, Chaos: &Chaos{Seed: seed, Rate: 0.6, SlowDelay: 40 * time.Millisecond, StormEvery: -1}}
	}
	a, b, c := setup(t, chaos(7)), setup(t, chaos(7)), setup(t, chaos(8))
	var ceds []string
	for i := range 20 {
		ceds = append(ceds, fmt.Sprint(52000100+i))
	}
	for range 3 {
		for _, ced := range ceds {
			chaosLookup(t, a, ced)
			chaosLookup(t, c, ced)
		}
		for _, ced := range slices.Backward(ceds) {
			chaosLookup(t, b, ced)
		}
	}
	sa, sb, sc := servedBy(a), servedBy(b), servedBy(c)
	faults := 0
	for _, ced := range ceds {
		if !slices.Equal(sa[ced], sb[ced]) {
			t.Errorf("%s: seed 7 served %v, then %v", ced, sa[ced], sb[ced])
		}
		for _, s := range sa[ced] {
			if s.Chaos != "" {
				faults++
			}
		}
	}
	if faults < 20 || faults > 50 {
		t.Errorf("%d faults in 60 lookups at rate 0.6", faults)
	}
	same := 0
	for _, ced := range ceds {
		if slices.Equal(sa[ced], sc[ced]) {
			same++
		}
	}
	if same == len(ceds) {
		t.Error("seeds 7 and 8 served the same faults")
	}
}

// TestChaosServesWhatItRecords checks each fault on the wire against the
// record the fake kept, and what a scraper should conclude from it.
func TestChaosServesWhatItRecords(t *testing.T) {
	t.Parallel()
	run := setup(t, Config{Fixtures: []Fixture{}, Chaos: &Chaos{Seed: 3, Rate: 1, SlowDelay: 80 * time.Millisecond, StormEvery: -1}})
	seen := map[string]int{}
	for i := range 60 {
		ced := fmt.Sprint(1000200 + i)
		start := time.Now()
		status, body, err := chaosLookup(t, run, ced)
		took := time.Since(start)
		ls := run.Lookups()
		l := ls[len(ls)-1]
		seen[l.Chaos]++
		want := l.Want(time.Second)
		switch l.Chaos {
		case ChaosReset:
			if err == nil {
				t.Errorf("reset: got HTTP %d %q, want a transport error", status, body)
			}
			if want.Class != "transient" {
				t.Errorf("reset: want %+v", want)
			}
		case ChaosGarbage:
			if err != nil || status != http.StatusOK || json.Valid(body) || want.Class != "site_changed" {
				t.Errorf("garbage: HTTP %d %q (%v), want %+v", status, body, err, want)
			}
		case ChaosBlock:
			if err != nil || !bytes.Contains(body, []byte("Request Rejected")) || want.Class != "blocked" {
				t.Errorf("block: HTTP %d %q (%v), want %+v", status, body, err, want)
			}
		case ChaosTransient:
			if err != nil || status != http.StatusInternalServerError || want.Class != "transient" {
				t.Errorf("transient: HTTP %d (%v), want %+v", status, err, want)
			}
		case ChaosSlow:
			if err != nil || status != http.StatusOK || took < l.Delay || want.Outcome != "found" {
				t.Errorf("slow: HTTP %d after %v (delay %v, %v), want %+v", status, took, l.Delay, err, want)
			}
			if l.Delay != 80*time.Millisecond && l.Delay != 10*time.Millisecond {
				t.Errorf("slow: delay %v", l.Delay)
			}
			if w := l.Want(50 * time.Millisecond); l.Delay == 80*time.Millisecond && w.Class != "timeout" {
				t.Errorf("late answer with a 50ms timeout: want %+v", w)
			}
		default:
			t.Errorf("rate 1 served no fault: %+v", l)
		}
	}
	for _, f := range chaosFaults {
		if seen[f] == 0 {
			t.Errorf("fault %s never served in 60 lookups: %v", f, seen)
		}
	}
}

// TestChaosStormsBlockInARow checks storms start at every StormEvery-th
// lookup and block StormLength lookups in a row, whatever the cédula.
func TestChaosStormsBlockInARow(t *testing.T) {
	t.Parallel()
	run := setup(t, Config{Fixtures: []Fixture{}, Chaos: &Chaos{Rate: 1e-12, StormEvery: 5, StormLength: 3}})
	for i := range 12 {
		chaosLookup(t, run, fmt.Sprint(3000+i))
	}
	var got []string
	for _, l := range run.Lookups() {
		got = append(got, string(l.Case))
	}
	want := []string{"found", "found", "found", "found", "blocked", "blocked", "blocked", "found", "found", "blocked", "blocked", "blocked"}
	if !slices.Equal(got, want) {
		t.Errorf("served %v\nwant   %v", got, want)
	}
}

// TestChaosOffServesTheScript checks that without chaos nothing changes.
func TestChaosOffServesTheScript(t *testing.T) {
	t.Parallel()
	run := setup(t, Config{Fixtures: []Fixture{}})
	for i := range 20 {
		if status, _, err := chaosLookup(t, run, fmt.Sprint(4000+i)); err != nil || status != http.StatusOK {
			t.Fatalf("lookup %d: HTTP %d (%v)", i, status, err)
		}
	}
	for _, l := range run.Lookups() {
		if l.Chaos != "" || l.Case != CaseFound {
			t.Errorf("no chaos configured, served %+v", l)
		}
	}
}
