package scraper

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// procEntry names one process for good: a pid plus its start time, so a pid
// the kernel recycled for someone else is never mistaken for ours.
type procEntry struct {
	PID   int
	PPID  int
	Start uint64 // clock ticks after boot, field 22 of /proc/PID/stat
}

// readProc reads pid's parent and start time from /proc; ok is false when the
// process is gone or already a zombie (it holds no resources any more).
func readProc(pid int) (procEntry, bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return procEntry{}, false
	}
	// comm may hold spaces and parentheses: the fields start after the last ')'.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return procEntry{}, false
	}
	f := strings.Fields(string(b[i+1:]))
	// f[0] is field 3 (state), f[1] field 4 (ppid), f[19] field 22 (starttime).
	if len(f) < 20 || f[0] == "Z" || f[0] == "X" {
		return procEntry{}, false
	}
	ppid, _ := strconv.Atoi(f[1])
	start, _ := strconv.ParseUint(f[19], 10, 64)
	return procEntry{PID: pid, PPID: ppid, Start: start}, true
}

// procTree returns root and every live descendant of it, so Close can check
// that the whole Chromium family is gone and the benchmark can sum its memory.
// Without /proc (not Linux) it returns nil.
func procTree(root int) []procEntry {
	r, ok := readProc(root)
	if !ok {
		return nil
	}
	dir, err := os.ReadDir("/proc")
	if err != nil {
		return []procEntry{r}
	}
	children := map[int][]procEntry{}
	for _, d := range dir {
		pid, err := strconv.Atoi(d.Name())
		if err != nil {
			continue
		}
		if p, ok := readProc(pid); ok {
			children[p.PPID] = append(children[p.PPID], p)
		}
	}
	out := []procEntry{r}
	for i := 0; i < len(out); i++ {
		out = append(out, children[out[i].PID]...)
	}
	return out
}

// alive reports whether the very process p named still runs.
func (p procEntry) alive() bool {
	now, ok := readProc(p.PID)
	return ok && now.Start == p.Start
}

// waitGone waits until none of procs is alive, killing stragglers once
// half the time has passed, and names the survivors if some outlive it.
func waitGone(procs []procEntry, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	killed := false
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		var left []int
		for _, p := range procs {
			if p.alive() {
				left = append(left, p.PID)
			}
		}
		if len(left) == 0 {
			return nil
		}
		now := time.Now()
		if now.After(deadline) {
			return fmt.Errorf("chromium processes still alive after %s: %v", timeout, left)
		}
		if !killed && now.After(deadline.Add(-timeout/2)) {
			for _, p := range procs {
				if p.alive() {
					_ = syscall.Kill(p.PID, syscall.SIGKILL)
				}
			}
			killed = true
		}
		<-tick.C
	}
}

// pssKiB sums the proportional set size of procs, the honest memory figure
// for a process family that shares pages (summed RSS double counts them).
func pssKiB(procs []procEntry) (int64, error) {
	var total int64
	for _, p := range procs {
		f, err := os.Open("/proc/" + strconv.Itoa(p.PID) + "/smaps_rollup")
		if err != nil {
			if p.alive() && !errors.Is(err, syscall.ESRCH) {
				return 0, fmt.Errorf("reading memory of pid %d: %w", p.PID, err)
			}
			continue // exited or exiting (its memory already released)
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			line := sc.Text()
			if rest, ok := strings.CutPrefix(line, "Pss:"); ok {
				kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
				total += kb
				break
			}
		}
		f.Close()
	}
	return total, nil
}
