package hooks_test

import (
	"net/http"
	"sync"
	"testing"

	"github.com/padron/padron/apptest"
)

// Two (here eight) people registering the same cédula at the same moment
// must leave exactly one user, over a real HTTP server and real SQLite.
func TestConcurrentDuplicateRegistration(t *testing.T) {
	t.Parallel()
	app := apptest.NewApp(t)
	defer app.Cleanup()
	srv := apptest.Serve(t, app)

	const racers = 8
	codes := make([]int, racers)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range racers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			res, err := http.Post(srv.URL+registerURL, "application/json", body())
			if err != nil {
				t.Error(err)
				return
			}
			res.Body.Close()
			codes[i] = res.StatusCode
		}()
	}
	close(start)
	wg.Wait()

	ok := 0
	for _, c := range codes {
		switch c {
		case 200:
			ok++
		case 400:
		default:
			t.Errorf("unexpected status %d", c)
		}
	}
	if ok != 1 {
		t.Fatalf("%d registrations succeeded (%v), want exactly 1", ok, codes)
	}
	expectUsers("1102812122", 1)(t, app, nil)
}
