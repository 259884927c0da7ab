package routes_test

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/padron/padron/apptest"
	"github.com/padron/padron/config"
)

// TestLoadRegistrationsWhileRealtimeListens fires registrations all at once
// through HTTP while realtime clients listen over SSE on the server as the
// binary builds it (worker off): leaders on their referidos ("*", filtered
// by the list rules), members on their own records by id. Every
// registration succeeds, no answer mentions a locked database, every leader
// gets the creates of their new referidos and nobody else's, members get
// nothing, and every stream stays open. Quick: 100 clients and 50
// registrations; PADRON_FAULTS=long: 1,000 and 200.
func TestLoadRegistrationsWhileRealtimeListens(t *testing.T) {
	t.Parallel()
	clients, registrations := 100, 50
	if os.Getenv("PADRON_FAULTS") == "long" {
		clients, registrations = 1000, 200
	}
	leaders := clients / 20

	cfg := config.Default()
	cfg.Worker = false
	cfg.RealtimeMaxPerIP = clients + 1 // every listener connects from loopback
	app := apptest.NewAppWith(t, cfg)
	t.Cleanup(app.Cleanup)
	app.Settings().RateLimits.Enabled = false // one client registers them all
	srv := apptest.Serve(t, app)

	// The listeners: leaders and members, created directly.
	type listener struct {
		user, info, token, code string
		sse                     *sseClient
	}
	people := make([]*listener, clients)
	users, err := app.FindCollectionByNameOrId("users")
	if err != nil {
		t.Fatal(err)
	}
	hash := passwordHash(t, app)
	err = app.RunInTransaction(func(tx core.App) error {
		for i := range people {
			r := core.NewRecord(users)
			r.Set("name", "Oyente Prueba")
			r.Set("cedula", fmt.Sprintf("6%07d", i))
			r.Set("phone", "3001234567")
			r.Set("role", map[bool]string{true: "leader", false: "member"}[i < leaders])
			r.Set("referral_goal", 10)
			r.SetRaw("password", &core.PasswordFieldValue{Hash: hash})
			if err := tx.Save(r); err != nil {
				return err
			}
			people[i] = &listener{user: r.Id, code: r.GetString("referral_code")}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range people {
		u, err := app.FindRecordById("users", p.user)
		if err != nil {
			t.Fatal(err)
		}
		if p.token, err = u.NewAuthToken(); err != nil {
			t.Fatal(err)
		}
		p.info = infoRecord(t, app, p.user).Id
		name := fmt.Sprintf("listener%d", i)
		if i < leaders {
			p.sse = connect(t, srv.URL, name, p.token, "users", "cedula_info")
		} else {
			p.sse = connect(t, srv.URL, name, p.token, "users/"+p.user, "cedula_info/"+p.info)
		}
	}

	// Every registration at once.
	hc := &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: registrations}}
	type answer struct {
		status int
		body   string
		err    error
	}
	answers := make([]answer, registrations)
	var wg sync.WaitGroup
	gate := make(chan struct{})
	start := time.Now()
	for i := range registrations {
		wg.Go(func() {
			<-gate
			body := fmt.Sprintf(`{"name":"Persona Carga","cedula":"%d","phone":"3001234567","password":%q,"passwordConfirm":%q,"data_policy_accepted":true,"ref":%q}`,
				7000000+i, apptest.Password, apptest.Password, people[i%leaders].code)
			res, err := hc.Post(srv.URL+"/api/collections/users/records", "application/json", strings.NewReader(body))
			if err != nil {
				answers[i] = answer{err: err}
				return
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			answers[i] = answer{status: res.StatusCode, body: string(b)}
		})
	}
	close(gate)
	wg.Wait()
	took := time.Since(start)
	failed := 0
	for i, a := range answers {
		if strings.Contains(strings.ToLower(a.body), "locked") {
			t.Errorf("registration %d: a locked database reached the client: %d %s", i, a.status, a.body)
		}
		if a.err != nil || a.status != http.StatusOK {
			failed++
			if failed <= 5 {
				t.Errorf("registration %d: %v HTTP %d %s", i, a.err, a.status, a.body)
			}
		}
	}
	if failed > 0 {
		t.Fatalf("%d of %d registrations failed", failed, registrations)
	}

	// What each leader may see: their new referidos and those records.
	want := make([][]string, leaders)
	mine := make([]map[string]bool, leaders)
	for l := range leaders {
		mine[l] = map[string]bool{}
	}
	for i := range registrations {
		u, err := app.FindFirstRecordByData("users", "cedula", fmt.Sprint(7000000+i))
		if err != nil {
			t.Fatal(err)
		}
		info := infoRecord(t, app, u.Id).Id
		l := i % leaders
		if got := u.GetString("referred_by"); got != people[l].user {
			t.Fatalf("registration %d referred by %q, want %q", i, got, people[l].user)
		}
		want[l] = append(want[l], "users create "+u.Id+" 3001234567", "cedula_info create "+info+" ")
		mine[l][u.Id], mine[l][info] = true, true
	}
	deadline := time.Now().Add(60 * time.Second)
	for l := range leaders {
		people[l].sse.waitFor(t, want[l], deadline)
	}
	delivered := time.Since(start)
	events := 0
	for i, p := range people {
		p.sse.drain()
		got := p.sse.snapshot()
		events += len(got)
		for _, ev := range got {
			if i >= leaders || !mine[i][ev.ID] {
				t.Errorf("listener%d (leader: %v) received %s", i, i < leaders, ev.key())
			}
		}
		if p.sse.closed() {
			t.Errorf("listener%d: stream closed under load", i)
		}
	}
	t.Logf("%d registrations at once with %d SSE clients (%d leaders on *): all answered in %v, %d events delivered in %v",
		registrations, clients, leaders, took.Round(time.Millisecond), events, delivered.Round(time.Millisecond))
}

// snapshot is every event received so far.
func (c *sseClient) snapshot() []sseEvent {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]sseEvent(nil), c.got...)
}

// closed reports whether the stream has ended (keeping anything that was
// still queued).
func (c *sseClient) closed() bool {
	select {
	case ev, ok := <-c.events:
		if !ok {
			return true
		}
		c.mu.Lock()
		c.got = append(c.got, ev)
		c.mu.Unlock()
	default:
	}
	return false
}
