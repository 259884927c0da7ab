//go:build pprof

package main

import (
	"fmt"
	"net/http"
	_ "net/http/pprof" // the profiles, on http.DefaultServeMux
	"os"
	"slices"
)

// With `go build -tags pprof`, PPROF_HTTP=127.0.0.1:PORT serves
// net/http/pprof (heap, goroutines, allocations) for the life of the
// process, in `serve` processes only (so under `padron bench`, its servers
// one at a time, not the bench or its agents). Normal builds have no
// profiler.
func init() {
	addr := os.Getenv("PPROF_HTTP")
	if addr == "" || !slices.Contains(os.Args[1:], "serve") {
		return
	}
	go func() {
		if err := http.ListenAndServe(addr, nil); err != nil {
			fmt.Fprintln(os.Stderr, "pprof:", err)
		}
	}()
}
