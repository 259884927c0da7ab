//go:build pprof

package main

import (
	"fmt"
	"net/http"
	_ "net/http/pprof" // the profiles, on http.DefaultServeMux
	"os"
)

// With `go build -tags pprof`, PPROF_HTTP=127.0.0.1:PORT serves
// net/http/pprof (heap, goroutines, allocations) for the life of the
// process; the first process of a `padron bench` run to bind the address
// (its first server) gets it. Normal builds have no profiler.
func init() {
	addr := os.Getenv("PPROF_HTTP")
	if addr == "" {
		return
	}
	go func() {
		if err := http.ListenAndServe(addr, nil); err != nil {
			fmt.Fprintln(os.Stderr, "pprof:", err)
		}
	}()
}
