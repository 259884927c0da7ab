package metrics

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
)

var (
	chromiumProcsDesc = desc("chromium_processes", "Chromium processes this server started (descendants of this process).")
	chromiumMemDesc   = desc("chromium_memory_bytes", "Their memory: proportional set size (shared pages split between them), or resident size where PSS cannot be read.")
)

// chromiumCollector finds the server's Chromium processes in /proc at
// scrape time: descendants of this process whose name says chrom (Rod's
// leakless guard sits between them and is not counted). Elsewhere than
// Linux it reports zeros.
type chromiumCollector struct{ proc string }

func (c *chromiumCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- chromiumProcsDesc
	ch <- chromiumMemDesc
}

func (c *chromiumCollector) Collect(ch chan<- prometheus.Metric) {
	n, mem := c.scan(os.Getpid())
	ch <- prometheus.MustNewConstMetric(chromiumProcsDesc, prometheus.GaugeValue, float64(n))
	ch <- prometheus.MustNewConstMetric(chromiumMemDesc, prometheus.GaugeValue, float64(mem))
}

// scan returns the count and memory of root's descendants named chrom*.
func (c *chromiumCollector) scan(root int) (count int, mem uint64) {
	entries, err := os.ReadDir(c.proc)
	if err != nil {
		return 0, 0
	}
	parent := map[int]int{}
	name := map[int]string{}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join(c.proc, e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...; comm may hold spaces and parentheses.
		open, end := bytes.IndexByte(stat, '('), bytes.LastIndexByte(stat, ')')
		if open < 0 || end < open {
			continue
		}
		fields := strings.Fields(string(stat[end+1:]))
		if len(fields) < 2 {
			continue
		}
		ppid, _ := strconv.Atoi(fields[1])
		parent[pid], name[pid] = ppid, string(stat[open+1:end])
	}
	for pid := range parent {
		if !strings.Contains(strings.ToLower(name[pid]), "chrom") || !descends(parent, pid, root) {
			continue
		}
		count++
		mem += c.memory(pid)
	}
	return count, mem
}

// descends reports whether root is an ancestor of pid.
func descends(parent map[int]int, pid, root int) bool {
	for i := 0; i < 64 && pid > 1; i++ {
		pid = parent[pid]
		if pid == root {
			return true
		}
	}
	return false
}

// memory is pid's PSS from smaps_rollup, else its RSS from status, in bytes.
func (c *chromiumCollector) memory(pid int) uint64 {
	dir := filepath.Join(c.proc, strconv.Itoa(pid))
	if kb, ok := fieldKB(filepath.Join(dir, "smaps_rollup"), "Pss:"); ok {
		return kb * 1024
	}
	kb, _ := fieldKB(filepath.Join(dir, "status"), "VmRSS:")
	return kb * 1024
}

// fieldKB reads "Name:   123 kB" from a /proc file.
func fieldKB(path, field string) (uint64, bool) {
	f, err := os.Open(path)
	if err != nil {
		return 0, false
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if rest, ok := strings.CutPrefix(s.Text(), field); ok {
			parts := strings.Fields(rest)
			if len(parts) == 0 {
				return 0, false
			}
			n, err := strconv.ParseUint(parts[0], 10, 64)
			return n, err == nil
		}
	}
	return 0, false
}
