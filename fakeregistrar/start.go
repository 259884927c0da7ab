package fakeregistrar

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Running is a fake registrar listening on loopback.
type Running struct {
	*Server
	base      string
	srv       *http.Server
	closeOnce sync.Once
	closeErr  error
	stopWatch chan struct{}
}

// Start serves a fake registrar on addr (default "127.0.0.1:0") until ctx is
// done or Close is called. It refuses non-loopback addresses: nothing here
// may ever be reachable from outside the machine.
func Start(ctx context.Context, addr string, cfg Config) (*Running, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("fakeregistrar: address %q: %w", addr, err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("fakeregistrar: address %q is not loopback", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("fakeregistrar: listen %s: %w", addr, err)
	}
	s := New(cfg)
	run := &Running{
		Server:    s,
		base:      "http://" + ln.Addr().String(),
		srv:       &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second},
		stopWatch: make(chan struct{}),
	}
	go func() {
		if err := run.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("fakeregistrar: serve", "err", err)
		}
	}()
	go func() {
		select {
		case <-ctx.Done():
			_ = run.Close()
		case <-run.stopWatch:
		}
	}()
	return run, nil
}

// Close stops the server, cutting delayed answers short; safe to call twice.
func (r *Running) Close() error {
	r.closeOnce.Do(func() {
		close(r.stopWatch)
		r.Server.Close()
		// Let answers in flight finish; then cut connections that never sent
		// a request (net/http waits 5 s for those before calling them idle).
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		if err := r.srv.Shutdown(ctx); err != nil {
			if err := r.srv.Close(); err != nil {
				r.closeErr = fmt.Errorf("fakeregistrar: close: %w", err)
			}
		}
	})
	return r.closeErr
}

// URL is the server's base URL, e.g. "http://127.0.0.1:41234".
func (r *Running) URL() string { return r.base }

// WSPURL is the legacy census page, as a scraper's configured wsp URL.
func (r *Running) WSPURL() string { return r.base + WSPPath }

// EleccionesURL is the 2026 lookup page.
func (r *Running) EleccionesURL() string { return r.base + EleccionesPath }

// EleccionesAPIURL is the absolute URL the 2026 page posts to.
func (r *Running) EleccionesAPIURL() string {
	if u := r.Server.cfg.EleccionesAPIURL; strings.HasPrefix(u, "http://") || strings.HasPrefix(u, "https://") {
		return u
	}
	return r.base + r.Server.cfg.EleccionesAPIURL
}
