package routes_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"text/tabwriter"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

const diadDashboards = 500

// BenchmarkDiaDMarkFanout measures one "ya votó" mark's save and its
// delivery to the leader's dashboard while 500 dashboards are connected
// over real SSE, subscribed as the dashboard was (vote_marks/*: PocketBase
// checks the list rule once per subscriber inside every save) and as it is
// (the dia-d topic: recipients computed once from the closure table). Run:
//
//	go test ./routes -run '^$' -bench DiaDMarkFanout -benchtime 100x
func BenchmarkDiaDMarkFanout(b *testing.B) {
	env := newBenchEnv(b)
	marks, err := env.app.FindCollectionByNameOrId("vote_marks")
	if err != nil {
		b.Fatal(err)
	}
	election := core.NewRecord(mustCollection(b, env, "elections"))
	election.Set("name", "Congreso 2026")
	election.Set("date", t0)
	election.Set("current", true)
	if err := env.app.Save(election); err != nil {
		b.Fatal(err)
	}
	tokens := make([]string, diadDashboards-1)
	for i := range tokens {
		u, err := env.app.FindRecordById("users", env.ids[len(env.ids)-1-i])
		if err != nil {
			b.Fatal(err)
		}
		if tokens[i], err = u.NewAuthToken(); err != nil {
			b.Fatal(err)
		}
	}
	modes := []struct{ name, topic string }{{"vote_marks-wildcard", "vote_marks/*"}, {"dia-d-topic", "dia-d"}}
	next := 0
	for _, mode := range modes {
		b.Run(mode.name, func(b *testing.B) {
			delivered := make(chan string, 16)
			stops := []func(){watch(b, env.url, "leader", env.leader.Token, func(line string) {
				if strings.HasPrefix(line, "data:") && strings.Contains(line, `"marked_by":"`+env.leader.ID+`"`) {
					delivered <- line
				}
			}, mode.topic)}
			for i, tok := range tokens {
				stops = append(stops, watchFrom(b, fmt.Sprintf("127.0.0.%d", 2+i/90), env.url, fmt.Sprintf("dashboard%d", i), tok, mode.topic))
			}
			defer func() {
				for _, stop := range stops {
					stop()
				}
				// The next mode connects as many again from this address:
				// wait until the server has let these go.
				for deadline := time.Now().Add(30 * time.Second); env.app.SubscriptionsBroker().TotalClients() > 0; {
					if time.Now().After(deadline) {
						b.Fatalf("%d realtime clients still connected", env.app.SubscriptionsBroker().TotalClients())
					}
					time.Sleep(20 * time.Millisecond)
				}
			}()
			var save, delivery []time.Duration
			b.ResetTimer()
			for range b.N {
				r := core.NewRecord(marks)
				r.Set("user", env.ids[next])
				next++
				r.Set("election", election.Id)
				r.Set("marked_by", env.leader.ID)
				r.Set("method", "leader")
				r.Set("marked_at", t0)
				r.Set("status", "live")
				start := time.Now()
				if err := env.app.Save(r); err != nil {
					b.Fatal(err)
				}
				save = append(save, time.Since(start))
				deadline := time.After(30 * time.Second)
			wait:
				for {
					select {
					case line := <-delivered:
						if strings.Contains(line, r.Id) {
							delivery = append(delivery, time.Since(start))
							break wait
						}
					case <-deadline:
						b.Fatalf("mark %s never reached the leader's dashboard", r.Id)
					}
				}
			}
			b.StopTimer()
			percentiles(b, "dia-d "+mode.name+" save", save)
			percentiles(b, "dia-d "+mode.name+" delivery", delivery)
		})
	}
	benchMu.Lock()
	defer benchMu.Unlock()
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(w, "\none mark, %d dashboards over SSE\t p50\t p95\t max\t\n", diadDashboards)
	for _, mode := range modes {
		for _, what := range []string{"save", "delivery"} {
			f := benchFigures["dia-d "+mode.name+" "+what]
			fmt.Fprintf(w, "%s (%s)\t %s\t %s\t %s\t\n", what, mode.name, ms(f[0]), ms(f[1]), ms(f[2]))
		}
	}
	w.Flush()
}

func mustCollection(b *testing.B, env *benchEnv, name string) *core.Collection {
	col, err := env.app.FindCollectionByNameOrId(name)
	if err != nil {
		b.Fatal(err)
	}
	return col
}

// watchFrom is watch (its stream discarded) over a connection from the
// loopback address local: 500 phones come from many addresses, and the
// realtime guard keeps 100 connections per address.
func watchFrom(b *testing.B, local, base, name, token string, topics ...string) (stop func()) {
	b.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	b.Cleanup(cancel)
	dialer := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}}
	client := &http.Client{Transport: &http.Transport{DialContext: dialer.DialContext}}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/realtime", nil)
	res, err := client.Do(req)
	if err != nil {
		b.Fatalf("%s: connect: %v", name, err)
	}
	r := bufio.NewReader(res.Body)
	var clientID string
	for clientID == "" {
		line, err := r.ReadString('\n')
		if err != nil {
			b.Fatalf("%s: no PB_CONNECT: %v", name, err)
		}
		if rest, ok := strings.CutPrefix(line, `data:{"clientId":"`); ok {
			clientID, _, _ = strings.Cut(rest, `"`)
		}
	}
	body, _ := json.Marshal(map[string]any{"clientId": clientID, "subscriptions": topics})
	sub, _ := http.NewRequest(http.MethodPost, base+"/api/realtime", bytes.NewReader(body))
	sub.Header.Set("Content-Type", "application/json")
	sub.Header.Set("Authorization", token)
	subRes, err := client.Do(sub)
	if err != nil || subRes.StatusCode != http.StatusNoContent {
		b.Fatalf("%s: subscribe: %v %v", name, err, subRes)
	}
	subRes.Body.Close()
	go func() {
		defer res.Body.Close()
		_, _ = io.Copy(io.Discard, r)
	}()
	return cancel
}
