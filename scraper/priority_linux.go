package scraper

import (
	"fmt"
	"os"
	"runtime"
	"syscall"
)

// BrowserNice is how much lower than the server's own threads every
// Chromium process and thread runs (in nice steps), so the server (HTTP,
// realtime delivery, SQLite) stays ahead of the browser on busy cores: at
// +2 a server thread gets about 1.6 times the CPU of a browser thread when
// both want it, and the browser all of it when the server idles. The larger
// gain is that Chromium can no longer put its IO and display threads at -8
// (6 times a server thread's share). Not more: on a machine busy with other
// work too (a CI run, other tests) +5 and +10 starved lookups and their
// evidence captures past their budgets.
const BrowserNice = 2

// Linux's prctl option and capability number (linux/prctl.h, capability.h).
const (
	prCapBSetDrop = 24 // PR_CAPBSET_DROP
	capSysNice    = 23 // CAP_SYS_NICE
)

// launchBehind runs start (which starts Chromium) on an OS thread of its
// own, BrowserNice steps behind the server, so every process and thread
// Chromium starts inherits that priority. Chromium sets its threads'
// niceness itself (-8 for its display and IO threads when it may), which
// only a process allowed to raise priorities can do: as root the thread
// also drops CAP_SYS_NICE from its capability bounding set, which Chromium
// inherits, so it cannot undo the niceness (without root it never could).
// The changed thread is never handed back to other goroutines: Go ends it
// when the goroutine returns. It is never the process's main thread, whose
// niceness is what tools show for the whole server.
func launchBehind(start func() (string, error)) (string, error) {
	type result struct {
		url string
		err error
	}
	done := make(chan result, 1)
	go onSpareThread(func() {
		if err := lowerThisThread(BrowserNice); err != nil {
			done <- result{err: err}
			return
		}
		u, err := start()
		done <- result{u, err}
	})
	r := <-done
	return r.url, r.err
}

// onSpareThread runs f locked to an OS thread that is not the process's
// main thread and that ends with f: f may change the thread for good. On
// the main thread it keeps that thread (so the next goroutine cannot land
// on it), runs f on another, and then hands the main thread back untouched.
func onSpareThread(f func()) {
	runtime.LockOSThread()
	if syscall.Gettid() != os.Getpid() {
		f() // never unlocked: the thread dies with this goroutine
		return
	}
	ran := make(chan struct{})
	go func() {
		defer close(ran)
		onSpareThread(f)
	}()
	<-ran
	runtime.UnlockOSThread()
}

// lowerThisThread sets the calling OS thread's niceness steps above its
// current one and, as root, drops CAP_SYS_NICE from its bounding set so
// nothing it starts can raise it again.
func lowerThisThread(steps int) error {
	tid := syscall.Gettid()
	// The raw syscall answers 20 - nice (Linux's getpriority(2)).
	prio, err := syscall.Getpriority(syscall.PRIO_PROCESS, tid)
	if err != nil {
		return fmt.Errorf("reading the launching thread's priority: %w", err)
	}
	nice := min(20-prio+steps, 19)
	if err := syscall.Setpriority(syscall.PRIO_PROCESS, tid, nice); err != nil {
		return fmt.Errorf("lowering the launching thread's priority to nice %d: %w", nice, err)
	}
	if os.Geteuid() == 0 {
		if _, _, errno := syscall.RawSyscall(syscall.SYS_PRCTL, prCapBSetDrop, capSysNice, 0); errno != 0 {
			return fmt.Errorf("dropping CAP_SYS_NICE for chromium: %w", errno)
		}
	}
	return nil
}
