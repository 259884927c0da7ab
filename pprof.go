//go:build pprof

package main

import (
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"
)

// With `go build -tags pprof`, PPROF_CPU=FILE profiles the
// process's CPU from start until SIGINT/SIGTERM (`padron bench --keep`
// leaves each child server's profile in its directory). Normal builds
// have no profiler.
func init() {
	path := os.Getenv("PPROF_CPU")
	if path == "" {
		return
	}
	f, err := os.Create(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "pprof:", err)
		return
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		fmt.Fprintln(os.Stderr, "pprof:", err)
		return
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sig
		pprof.StopCPUProfile()
		f.Close()
	}()
}
