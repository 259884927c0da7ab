package server

import (
	"time"

	"github.com/padron/padron/routes"
	"github.com/padron/padron/worker"
)

// Option changes how Build wires the server. The binary passes none; tests
// pin what they must observe or control (a clock, a counting queue, a
// worker of their own) and get everything else as the binary has it.
type Option func(*options)

// options are Build's settings beyond config.Config; the zero value is the
// binary's.
type options struct {
	// now is the clock the API's refresh cooldowns, the scheduled data
	// deletions and election day's open hours are measured on. Default time.Now.
	now func() time.Time
	// waker is woken after a refresh request queued checks. Default: the
	// census worker, when there is one.
	waker routes.Waker
	// noWorker leaves the census worker out whatever Config.Worker says.
	// Default false.
	noWorker bool
	// worker replaces the worker Build would make from the config. Default
	// nil: Build makes one when Config.Worker is true.
	worker *worker.Worker
}

// WithClock measures the API's refresh cooldowns, the scheduled data
// deletions and election day's hours on now instead of time.Now, so tests
// can date records relative to a pinned moment.
func WithClock(now func() time.Time) Option {
	return func(o *options) { o.now = now }
}

// WithWaker wakes w after a refresh request queued checks, instead of the
// census worker, so tests can count the nudges without running a worker.
func WithWaker(w routes.Waker) Option {
	return func(o *options) { o.waker = w }
}

// WithoutWorker builds the server without the census worker even when
// Config.Worker is true: records are queued and nobody checks them.
func WithoutWorker() Option {
	return func(o *options) { o.noWorker = true }
}

// WithWorker wires w, a worker the caller built (a scripted lookup, a fake
// clock) and starts and stops itself, in place of the one Build would make:
// the record hooks enqueue into it and the API wakes it and reports it.
func WithWorker(w *worker.Worker) Option {
	return func(o *options) { o.worker = w }
}
