package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// client talks to one child server over loopback HTTP.
type client struct {
	base string
	hc   *http.Client
}

// newClient keeps enough idle connections for the bench's concurrency, so
// figures time requests, not TCP handshakes.
func newClient(base string) *client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns = 200
	tr.MaxIdleConnsPerHost = 200
	return &client{base: base, hc: &http.Client{Transport: tr}}
}

// do sends body (JSON-encoded unless nil or []byte) with token and wants
// status; out, if set, gets the JSON answer. It returns the request's time
// from sending to the last byte read.
func (c *client) do(ctx context.Context, method, path, token string, body any, want int, out any) (time.Duration, []byte, error) {
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	default:
		enc, err := json.Marshal(b)
		if err != nil {
			return 0, nil, err
		}
		rd = bytes.NewReader(enc)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return 0, nil, err
	}
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	start := time.Now()
	res, err := c.hc.Do(req)
	if err != nil {
		return 0, nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	data, err := io.ReadAll(res.Body)
	elapsed := time.Since(start)
	res.Body.Close()
	if err != nil {
		return 0, nil, fmt.Errorf("%s %s: reading: %w", method, path, err)
	}
	if res.StatusCode != want {
		return 0, nil, fmt.Errorf("%s %s: HTTP %d, want %d: %.300s", method, trimQuery(path), res.StatusCode, want, data)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return 0, nil, fmt.Errorf("%s %s: decoding: %w", method, path, err)
		}
	}
	return elapsed, data, nil
}

// trimQuery keeps error messages short: filters can be long.
func trimQuery(path string) string {
	p, _, _ := strings.Cut(path, "?")
	return p
}

// runConcurrent calls fn(0..n-1) on conc goroutines and returns the wall
// time of the whole run and each call's own duration; the first error
// stops the rest.
func runConcurrent(ctx context.Context, n, conc int, fn func(ctx context.Context, i int) (time.Duration, error)) (time.Duration, []time.Duration, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var next atomic.Int64
	durs := make([]time.Duration, n)
	var wg sync.WaitGroup
	start := time.Now()
	for range min(conc, n) {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n || ctx.Err() != nil {
					return
				}
				d, err := fn(ctx, i)
				if err != nil {
					cancel(err)
					return
				}
				durs[i] = d
			}
		})
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return 0, nil, err
	}
	return time.Since(start), durs, nil
}

// percentile is the q-quantile (0..1) of d, nearest rank; d is sorted in place.
func percentile(d []time.Duration, q float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	slices.Sort(d)
	i := int(q*float64(len(d))+0.5) - 1
	return d[max(0, min(len(d)-1, i))]
}
