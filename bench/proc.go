package bench

import (
	"bufio"
	"bytes"
	"os"
	"strconv"
	"strings"
)

// proc is one live process: its parent, for walking the server's tree, and
// its start time, so a pid the kernel recycled is never taken for ours.
type proc struct {
	PID, PPID int
	Start     uint64 // clock ticks after boot, field 22 of /proc/PID/stat
}

// readStat reads pid's parent from /proc; ok is false once it is gone or a
// zombie (which holds no memory any more).
func readStat(pid int) (proc, bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return proc{}, false
	}
	// comm may hold spaces and parentheses: the fields start after the last ')'.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return proc{}, false
	}
	f := strings.Fields(string(b[i+1:]))
	// f[0] is field 3 (state), f[1] field 4 (ppid), f[19] field 22 (starttime).
	if len(f) < 20 || f[0] == "Z" || f[0] == "X" {
		return proc{}, false
	}
	ppid, _ := strconv.Atoi(f[1])
	start, _ := strconv.ParseUint(f[19], 10, 64)
	return proc{PID: pid, PPID: ppid, Start: start}, true
}

// alive reports whether the very process p named still runs.
func (p proc) alive() bool {
	now, ok := readStat(p.PID)
	return ok && now.Start == p.Start
}

// descendants lists every live process below root (root excluded): the
// server's Chromium family, with Rod's leakless guard in between.
func descendants(root int) []proc {
	dir, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	children := map[int][]proc{}
	for _, d := range dir {
		pid, err := strconv.Atoi(d.Name())
		if err != nil {
			continue
		}
		if p, ok := readStat(pid); ok {
			children[p.PPID] = append(children[p.PPID], p)
		}
	}
	var out []proc
	for i, next := 0, root; ; i++ {
		out = append(out, children[next]...)
		if i >= len(out) {
			return out
		}
		next = out[i].PID
	}
}

// memKiB is a process family's memory: summed RSS (what top shows, counting
// shared pages once per process) and PSS (shared pages split between their
// users, the honest total for a family such as Chromium's).
type memKiB struct {
	RSS, PSS int64
	Procs    int
}

// memoryOf sums RSS and PSS over pids; processes that exit meanwhile count
// nothing (their memory is already released).
func memoryOf(procs []proc) memKiB {
	var m memKiB
	for _, p := range procs {
		rss, pss, ok := readMem(p.PID)
		if !ok {
			continue
		}
		m.RSS += rss
		m.PSS += pss
		m.Procs++
	}
	return m
}

// readMem reads one process's Rss and Pss from smaps_rollup.
func readMem(pid int) (rss, pss int64, ok bool) {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/smaps_rollup")
	if err != nil {
		return 0, 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if rest, found := strings.CutPrefix(line, "Rss:"); found {
			rss = kib(rest)
			ok = true
		} else if rest, found := strings.CutPrefix(line, "Pss:"); found {
			pss = kib(rest)
		}
	}
	return rss, pss, ok
}

// kib parses "   1234 kB".
func kib(s string) int64 {
	n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(s), " kB"), 10, 64)
	return n
}
