package broker_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/padron/padron/agent"
	"github.com/padron/padron/apptest"
	"github.com/padron/padron/broker"
	"github.com/padron/padron/census"
	"github.com/padron/padron/config"
	"github.com/padron/padron/schema"
	"github.com/padron/padron/server"
	"github.com/padron/padron/worker"
)

// BenchmarkAddedLatency measures one check from queued to answered, one at
// a time, with an instant lookup: in process, and through the embedded
// broker to an agent (each round once the agent has acked the round
// before). It reports p50 and p95 of each, and the broker's added p50 and
// p95 (the target: at most 50 ms at p95).
func BenchmarkAddedLatency(b *testing.B) {
	const rounds = 60
	inProc := roundTrips(b, false, rounds)
	viaBroker := roundTrips(b, true, rounds)
	b.ReportMetric(pct(inProc, 50), "inproc-p50-ms")
	b.ReportMetric(pct(inProc, 95), "inproc-p95-ms")
	b.ReportMetric(pct(viaBroker, 50), "broker-p50-ms")
	b.ReportMetric(pct(viaBroker, 95), "broker-p95-ms")
	b.ReportMetric(pct(viaBroker, 50)-pct(inProc, 50), "added-p50-ms")
	b.ReportMetric(pct(viaBroker, 95)-pct(inProc, 95), "added-p95-ms")
}

func pct(d []time.Duration, p int) float64 {
	s := slices.Clone(d)
	slices.Sort(s)
	return float64(s[(len(s)-1)*p/100].Microseconds()) / 1000
}

// roundTrips re-queues one check rounds times and times each to its answer.
func roundTrips(b *testing.B, viaBroker bool, rounds int) []time.Duration {
	app := apptest.NewBareApp(b)
	defer app.Cleanup()
	cfg := worker.Config{Concurrency: 2, RetryJitter: worker.RetryJitterOff, Tick: time.Second, Logger: logger()}
	var look census.Lookuper = &lookup{}
	var remote *broker.Remote
	if viaBroker {
		remote = broker.NewRemote(app, broker.Config{URL: broker.Embedded, Listen: "127.0.0.1:0", Logger: logger()})
		look, cfg.AgentBreakers, cfg.CheckTimeout = remote, true, time.Minute
	}
	w, err := worker.New(app, look, cfg)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := server.Build(app, config.Default(), server.WithWorker(w)); err != nil {
		b.Fatal(err)
	}
	if remote != nil {
		if err := remote.Start(context.Background()); err != nil {
			b.Fatal(err)
		}
		defer remote.Close()
		key, err := broker.CreateKey(app, "banco")
		if err != nil {
			b.Fatal(err)
		}
		nc, err := natsConnect(remote.AgentsURL(), key)
		if err != nil {
			b.Fatal(err)
		}
		defer nc.Close()
		a, err := agent.New(nc, agent.Config{Name: "banco", Slots: 1, Lookup: &lookup{}, Logger: logger()})
		if err != nil {
			b.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { defer close(done); _ = a.Run(ctx) }()
		defer func() { cancel(); <-done }()
	}
	if err := w.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() {
		stopNow, cancel := context.WithCancel(context.Background())
		cancel()
		_ = w.Stop(stopNow)
	}()
	user := apptest.Seeded(b).Loner.ID
	wait := func(info *core.Record, attempts int) {
		deadline := time.Now().Add(30 * time.Second)
		for {
			r, err := app.FindRecordById(schema.CedulaInfoCollection, info.Id)
			if err == nil && r.GetString("status") == census.StatusActive && r.GetInt("attempts") == attempts {
				return
			}
			if time.Now().After(deadline) {
				b.Fatal("timed out waiting for an answer")
			}
			time.Sleep(time.Millisecond)
		}
	}
	// Let the seeded first checks drain.
	waitDrained := func() {
		deadline := time.Now().Add(60 * time.Second)
		for {
			n, _ := app.CountRecords(schema.CedulaInfoCollection, dbxEq("status", census.StatusActive))
			if n == 5 {
				return
			}
			if time.Now().After(deadline) {
				b.Fatal("seeded checks not answered")
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	waitDrained()
	var out []time.Duration
	for range rounds {
		info, err := app.FindFirstRecordByData(schema.CedulaInfoCollection, "user", user)
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		if _, err := census.Queue(app, info, time.Now(), census.Request{Kind: census.KindRefresh}); err != nil {
			b.Fatal(err)
		}
		w.Wake()
		wait(info, 1)
		out = append(out, time.Since(start))
		if remote != nil {
			settled(b, remote)
		}
	}
	return out
}

// settled waits, untimed, until the agent has acked the last check and
// pulls again, so each round times one check's path and not the tail of
// the round before (the in-process worker's slot is free once it stored).
func settled(b *testing.B, remote *broker.Remote) {
	deadline := time.Now().Add(30 * time.Second)
	for {
		st := remote.Status(context.Background())
		if st.Queue.InFlight == 0 && st.Queue.Results == 0 {
			return
		}
		if time.Now().After(deadline) {
			b.Fatalf("the agent did not settle: %+v", st.Queue)
		}
		time.Sleep(2 * time.Millisecond)
	}
}
