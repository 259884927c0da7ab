package realtimeclient_test

import (
	"strings"
	"testing"

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

	id, next := apptest.Subscribe(t, srv.URL, c.MemberA.Token, schema.CedulaInfoCollection+"/"+info.Id)
	client, err := app.SubscriptionsBroker().ClientById(id)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := client.(*realtimeclient.Client); !ok {
		t.Fatalf("the connection holds a %T, not the server's client", client)
	}
	info.Set("municipio", "MUNICIPIO BARATO")
	if err := app.Save(info); err != nil {
		t.Fatal(err)
	}
	if got := next(); !strings.Contains(got, "MUNICIPIO BARATO") {
		t.Fatalf("the client got %s", got)
	}
}
