package scraper

import (
	"bytes"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/padron/padron/captcha"
	"github.com/padron/padron/census"
	"github.com/padron/padron/fakecaptcha"
)

// onMainThread runs functions on the process's main thread: TestMain
// serves it from the main goroutine, which init keeps on that thread, so
// launchBehind's main-thread path can be tested.
var onMainThread = make(chan func())

func init() { runtime.LockOSThread() } // the main goroutine keeps the main thread

func TestMain(m *testing.M) {
	code := make(chan int)
	go func() { code <- m.Run() }()
	for {
		select {
		case f := <-onMainThread:
			f()
		case c := <-code:
			os.Exit(c)
		}
	}
}

// niceOf reads a thread's niceness (field 19 of /proc/PID/task/TID/stat).
func niceOf(pid, tid int) (int, bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/task/" + strconv.Itoa(tid) + "/stat")
	if err != nil {
		return 0, false
	}
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 17 {
		return 0, false
	}
	n, err := strconv.Atoi(f[16])
	return n, err == nil
}

// threadNices maps every thread of pid to its niceness.
func threadNices(pid int) map[int]int {
	out := map[int]int{}
	tasks, err := os.ReadDir("/proc/" + strconv.Itoa(pid) + "/task")
	if err != nil {
		return out // the process exited meanwhile
	}
	for _, task := range tasks {
		tid, _ := strconv.Atoi(task.Name())
		if n, ok := niceOf(pid, tid); ok {
			out[tid] = n
		}
	}
	return out
}

// waitOwnThreadsAt polls until every thread of this process runs at nice
// (a launching thread ends a moment after its work), and fails naming the
// others at the deadline.
func waitOwnThreadsAt(t *testing.T, nice int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		var off []string
		for tid, n := range threadNices(os.Getpid()) {
			if n != nice {
				off = append(off, strconv.Itoa(tid)+"@"+strconv.Itoa(n))
			}
		}
		if len(off) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("threads of this process not at the server's nice %d: %v", nice, off)
		}
		time.Sleep(10 * time.Millisecond) // polling /proc with a deadline
	}
}

// The work launchBehind lowers runs on a thread of its own, never the main
// thread (also when called from it), lowered by BrowserNice, and that
// thread ends with it: the server's threads keep their priority.
func TestLaunchThreadIsSpareAndEnds(t *testing.T) {
	own, ok := niceOf(os.Getpid(), os.Getpid())
	if !ok {
		t.Fatal("no /proc niceness for the main thread")
	}
	for _, from := range []string{"main thread", "goroutine"} {
		t.Run(from, func(t *testing.T) {
			type ran struct{ caller, tid, nice int }
			got := make(chan ran, 1)
			call := func() {
				caller := syscall.Gettid()
				var r ran
				// launchBehind's own goroutine lands on the main thread only
				// when the main goroutine does not hold it, as here: so the
				// main thread's path is asked of onSpareThread directly.
				onSpareThread(func() {
					if err := lowerThisThread(BrowserNice); err != nil {
						t.Error(err)
					}
					r.tid = syscall.Gettid()
					r.nice, _ = niceOf(os.Getpid(), r.tid)
				})
				if _, err := launchBehind(func() (string, error) { return "", nil }); err != nil {
					t.Error(err)
				}
				r.caller = caller
				got <- r
			}
			if from == "main thread" {
				onMainThread <- call
			} else {
				go call()
			}
			r := <-got
			if from == "main thread" && r.caller != os.Getpid() {
				t.Fatalf("the call ran on thread %d, not the main thread %d", r.caller, os.Getpid())
			}
			if r.tid == os.Getpid() {
				t.Fatal("the launch ran on the main thread")
			}
			if want := min(own+BrowserNice, 19); r.nice != want {
				t.Errorf("the launch ran at nice %d, want %d", r.nice, want)
			}
			waitOwnThreadsAt(t, own)
			if _, ok := niceOf(os.Getpid(), r.tid); ok {
				t.Errorf("the launching thread %d outlived its launch", r.tid)
			}
		})
	}
}

// capEff reads a process's effective capabilities (CapEff in its status).
func capEff(pid int) (uint64, bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, false
	}
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(line, "CapEff:"); ok {
			n, err := strconv.ParseUint(strings.TrimSpace(v), 16, 64)
			return n, err == nil
		}
	}
	return 0, false
}

// TestChromiumRunsBehindTheServer checks every thread of every Chromium
// process, the renderer a lookup forked included, runs at least
// BrowserNice behind the server (Chromium's own -8 for its IO and display
// threads refused), that as root no Chromium process may raise a priority
// again, and that every thread of the server keeps its niceness.
func TestChromiumRunsBehindTheServer(t *testing.T) {
	own, ok := niceOf(os.Getpid(), os.Getpid())
	if !ok {
		t.Fatal("no /proc niceness for the main thread")
	}
	waitOwnThreadsAt(t, own)
	f := startFakes(t)
	e := newEngine(t, f.config(t, census.SourceWSP, f.solver(t, captcha.APIClassic, fakecaptcha.KeyGood)))
	mustFind(t, e, cedFound)
	procs := e.pool.current().processes()
	if len(procs) < 3 {
		t.Fatalf("chromium family has %d processes, want the browser, its zygote and a renderer", len(procs))
	}
	want := min(own+BrowserNice, 19)
	threads := 0
	for _, p := range procs {
		for tid, n := range threadNices(p.PID) {
			threads++
			if n < want {
				t.Errorf("chromium pid %d thread %d runs at nice %d, want %d or more", p.PID, tid, n, want)
			}
		}
		if c, ok := capEff(p.PID); ok && os.Geteuid() == 0 && c&(1<<capSysNice) != 0 {
			t.Errorf("chromium pid %d may raise priorities (CapEff %x has CAP_SYS_NICE)", p.PID, c)
		}
	}
	if threads < 2*len(procs) {
		t.Errorf("read the niceness of %d threads in %d processes", threads, len(procs))
	}
	waitOwnThreadsAt(t, own)
}
