package realtimeclient_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/padron/padron/apptest"
	"github.com/padron/padron/realtimeclient"
	"github.com/padron/padron/schema"
)

// TestServerConnectionsGetTheClient: a connection to the whole server holds
// the cheap client, subscribes through it and gets its record's save.
func TestServerConnectionsGetTheClient(t *testing.T) {
	t.Parallel()
	app := apptest.NewApp(t)
	t.Cleanup(app.Cleanup)
	srv := apptest.Serve(t, app)
	c := apptest.Seeded(t)
	info, err := app.FindFirstRecordByData(schema.CedulaInfoCollection, "user", c.MemberA.ID)
	if err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/api/realtime", nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Body.Close() })
	lines := bufio.NewScanner(res.Body)
	next := func() string {
		for lines.Scan() {
			if data, ok := strings.CutPrefix(lines.Text(), "data:"); ok {
				return data
			}
		}
		t.Fatalf("the stream ended: %v", lines.Err())
		return ""
	}
	var connect struct{ ClientID string }
	if err := json.Unmarshal([]byte(next()), &connect); err != nil || connect.ClientID == "" {
		t.Fatalf("no client id: %v", err)
	}
	client, err := app.SubscriptionsBroker().ClientById(connect.ClientID)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := client.(*realtimeclient.Client); !ok {
		t.Fatalf("the connection holds a %T, not the server's client", client)
	}

	topic := schema.CedulaInfoCollection + "/" + info.Id
	sub, _ := http.NewRequest(http.MethodPost, srv.URL+"/api/realtime",
		strings.NewReader(`{"clientId":"`+connect.ClientID+`","subscriptions":["`+topic+`"]}`))
	sub.Header.Set("Content-Type", "application/json")
	sub.Header.Set("Authorization", c.MemberA.Token)
	sres, err := http.DefaultClient.Do(sub)
	if err != nil {
		t.Fatal(err)
	}
	sres.Body.Close()
	if sres.StatusCode != http.StatusNoContent {
		t.Fatalf("subscribe: %d", sres.StatusCode)
	}
	info.Set("municipio", "MUNICIPIO BARATO")
	if err := app.Save(info); err != nil {
		t.Fatal(err)
	}
	if got := next(); !strings.Contains(got, "MUNICIPIO BARATO") {
		t.Fatalf("the client got %s", got)
	}
}
