package broker_test

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/padron/padron/apptest"
	"github.com/padron/padron/broker"
	"github.com/padron/padron/census"
	"github.com/padron/padron/schema"
)

// TestOlderStoresAnswerIsApplied: a broker store written before answers
// went on per-connection subjects holds an answer on the single
// "padron.results". At start the server moves the results stream to
// "padron.results.>" in place: the answer is kept and applied once the
// worker claims its attempt (credited to no key: its subject names no
// connection).
func TestOlderStoresAnswerIsApplied(t *testing.T) {
	t.Parallel()
	app := apptest.NewBareApp(t)
	info, err := app.FindFirstRecordByData(schema.CedulaInfoCollection, "user", apptest.Seeded(t).LeaderA.ID)
	if err != nil {
		t.Fatal(err)
	}
	job := broker.Job{ID: info.Id, Attempt: census.Attempt(info), Round: info.GetDateTime("requested_at").Time().UnixNano(),
		Cedula: apptest.Seeded(t).LeaderA.Cedula}
	held := answerOf(job.Cedula)
	held.Mesa = "777" // no agent runs: only the held answer can bring this
	data, _ := json.Marshal(broker.NewOutcome(job, "antigua", held, nil, time.Second))

	// The older server's store: its results stream, holding the answer.
	store := t.TempDir()
	ns, err := broker.StartEmbedded(broker.EmbeddedConfig{Listen: "127.0.0.1:0", StoreDir: store})
	if err != nil {
		t.Fatal(err)
	}
	nc, err := nats.Connect(ns.ClientURL())
	if err != nil {
		t.Fatal(err)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := js.CreateStream(t.Context(), jetstream.StreamConfig{Name: broker.ResultsStream, Subjects: []string{"padron.results"},
		Retention: jetstream.WorkQueuePolicy, Storage: jetstream.FileStorage, MaxMsgSize: broker.MaxPayload}); err != nil {
		t.Fatal(err)
	}
	if _, err := js.Publish(t.Context(), "padron.results", data); err != nil {
		t.Fatal(err)
	}
	nc.Close()
	ns.Shutdown()
	ns.WaitForShutdown()

	e := setupOn(t, app, broker.Config{URL: broker.Embedded, Listen: "127.0.0.1:0", StoreDir: store}, 8)
	stream := e.resultsStream(t)
	si, err := stream.Info(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{broker.ResultsPrefix + ".>"}; !slices.Equal(si.Config.Subjects, want) {
		t.Errorf("results stream subjects %v, want %v", si.Config.Subjects, want)
	}
	if err := e.w.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 30*time.Second, "the held answer applied", func() bool {
		r, err := e.app.FindRecordById(schema.CedulaInfoCollection, info.Id)
		return err == nil && r.GetString("status") == census.StatusActive && r.GetString("mesa") == "777"
	})
}
