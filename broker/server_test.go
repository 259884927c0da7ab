package broker_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/padron/padron/apptest"
	"github.com/padron/padron/config"
	"github.com/padron/padron/server"
)

// TestServerWiresTheBroker: with PADRON_BROKER=embedded the binary's
// wiring starts the broker with the server, looks nothing up itself (no
// engine), and the status endpoint reports the broker's queue.
func TestServerWiresTheBroker(t *testing.T) {
	t.Parallel()
	cfg := config.Default()
	cfg.Broker, cfg.BrokerListen = config.BrokerEmbedded, "127.0.0.1:0"
	app := apptest.NewBareApp(t)
	t.Cleanup(app.Cleanup)
	s, err := server.Build(app, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if s.Broker == nil || s.Worker == nil || s.Engine != nil {
		t.Fatalf("broker %v worker %v engine %v: want a broker, a worker and no engine", s.Broker, s.Worker, s.Engine)
	}
	hs := apptest.Serve(t, app)
	req, _ := http.NewRequest(http.MethodGet, hs.URL+"/api/census/worker", nil)
	req.Header.Set("Authorization", apptest.Seeded(t).Superuser.Token)
	var st struct {
		Worker struct {
			Broker struct {
				Broker    string `json:"broker"`
				Connected bool   `json:"connected"`
				Queue     struct {
					Waiting int `json:"waiting"`
				} `json:"queue"`
			} `json:"broker"`
		} `json:"worker"`
	}
	waitFor(t, 10*time.Second, "the seeded checks on the broker's queue", func() bool {
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		if err := json.NewDecoder(res.Body).Decode(&st); err != nil {
			t.Fatal(err)
		}
		return st.Worker.Broker.Queue.Waiting == 2 // the worker hands out its concurrency, 2
	})
	if st.Worker.Broker.Broker != config.BrokerEmbedded || !st.Worker.Broker.Connected {
		t.Errorf("broker status %+v", st.Worker.Broker)
	}
}
