package bench

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// cpuUse is where the machine's CPU went while a section ran, each part as a
// share of the whole machine (all cores, 100% = every core busy), so a run
// disturbed by something else on the machine says so beside its figures.
type cpuUse struct {
	Server, Chromium, Bench, Others float64 // %
	Load1                           float64 // 1-minute load average at the end
	// ServerTime is the CPU time the server process used, which unlike a
	// rate does not change with what else runs on the machine.
	ServerTime time.Duration
}

// note prints the parts that are not the headline figure.
func (u cpuUse) note() string {
	return fmt.Sprintf("server %.0f%%, its Chromium %.0f%%, bench clients %.0f%% of all CPUs; load average %.2f", u.Server, u.Chromium, u.Bench, u.Load1)
}

// addCPU adds what the machine did during part of a section: the load
// average and the CPU other processes took (not the server, not its
// Chromium, not the bench's own clients).
func (s *Section) addCPU(part string, u cpuUse) {
	s.add("load average (1 min) "+part, u.Load1, "", "")
	s.add("CPU of other processes "+part, u.Others, "%", u.note())
}

// cpuMeter samples a server's process tree every interval until stopped.
// Processes come and go (Chromium's renderers), so each one's own ticks are
// summed as deltas between samples. Reaped children's ticks are left out,
// since they would count again what was sampled while the child lived: a
// process's last interval before it exits is lost, and shows as others'.
type cpuMeter struct {
	s        *server
	stopOnce sync.Once
	stopped  chan struct{}
	done     chan struct{}

	startSys, endSys sysTicks
	startSelf        uint64
	last             map[proc]uint64 // ticks of each Chromium process at its last sample
	lastServer       uint64          // the server's own ticks
	server, chromium uint64          // summed deltas
}

// sysTicks is /proc/stat's first line: ticks of every CPU, busy and in all.
type sysTicks struct{ busy, total uint64 }

// meterCPU starts metering s (nil: the machine only, every busy tick
// outside the bench counts as others').
func meterCPU(s *server, interval time.Duration) *cpuMeter {
	m := &cpuMeter{s: s, stopped: make(chan struct{}), done: make(chan struct{}), last: map[proc]uint64{}}
	m.startSys, m.startSelf = readSysTicks(), selfTicks()
	m.sampleTree(true)
	go func() {
		defer close(m.done)
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for {
			select {
			case <-m.stopped:
				m.sampleTree(false)
				return
			case <-tick.C:
				m.sampleTree(false)
			}
		}
	}()
	return m
}

// sampleTree adds the ticks the server and its Chromium family used since
// the previous sample; first only records where they start.
func (m *cpuMeter) sampleTree(first bool) {
	if m.s == nil {
		return
	}
	own, ok := procTicks(m.s.pid())
	if !ok {
		return
	}
	fam := descendants(m.s.pid())
	if !first {
		m.server += own - min(own, m.lastServer)
	}
	m.lastServer = own
	seen := make(map[proc]uint64, len(fam))
	for _, p := range fam {
		t, ok := procTicks(p.PID)
		if !ok {
			continue
		}
		if prev, known := m.last[p]; known {
			m.chromium += t - min(t, prev)
		} else if !first {
			m.chromium += t // born since the last sample
		}
		seen[p] = t
	}
	m.last = seen
}

// stop ends metering and returns the shares.
func (m *cpuMeter) stop() cpuUse {
	m.stopOnce.Do(func() { close(m.stopped) })
	<-m.done
	end, self := readSysTicks(), selfTicks()
	total := float64(end.total - m.startSys.total)
	if total <= 0 {
		return cpuUse{Load1: loadAverage(), ServerTime: time.Duration(m.server) * time.Second / userHZ}
	}
	busy := float64(end.busy - m.startSys.busy)
	pct := func(t float64) float64 { return 100 * t / total }
	u := cpuUse{
		Server:   pct(float64(m.server)),
		Chromium: pct(float64(m.chromium)),
		Bench:    pct(float64(self - m.startSelf)),
		Load1:    loadAverage(),
		// /proc counts in USER_HZ, 100 per second on every Linux.
		ServerTime: time.Duration(m.server) * time.Second / userHZ,
	}
	u.Others = max(0, pct(busy)-u.Server-u.Chromium-u.Bench)
	return u
}

// readSysTicks reads the machine's CPU ticks; iowait counts as idle.
func readSysTicks() sysTicks {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return sysTicks{}
	}
	line, _, _ := bytes.Cut(b, []byte("\n"))
	f := strings.Fields(string(line))
	if len(f) < 8 || f[0] != "cpu" {
		return sysTicks{}
	}
	var t sysTicks
	// user nice system idle iowait irq softirq steal (guest is inside user).
	for i, s := range f[1:min(len(f), 9)] {
		n, _ := strconv.ParseUint(s, 10, 64)
		t.total += n
		if i != 3 && i != 4 {
			t.busy += n
		}
	}
	return t
}

// procTicks reads pid's own CPU ticks: utime+stime, all its threads.
func procTicks(pid int) (uint64, bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, false
	}
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(string(b[i+1:]))
	// f[11] and f[12] are fields 14 and 15: utime and stime.
	if len(f) < 13 {
		return 0, false
	}
	u, _ := strconv.ParseUint(f[11], 10, 64)
	s, _ := strconv.ParseUint(f[12], 10, 64)
	return u + s, true
}

// selfTicks is the bench process's own CPU: its HTTP and SSE clients.
func selfTicks() uint64 {
	own, _ := procTicks(os.Getpid())
	return own
}

// loadAverage is the 1-minute load average.
func loadAverage() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0
	}
	var l float64
	fmt.Sscan(string(b), &l)
	return l
}

// userHZ is the unit of /proc's CPU times (sysconf(_SC_CLK_TCK)), fixed
// at 100 by the kernel's ABI.
const userHZ = 100

// cpuInterval is how often a meter samples the server's process tree:
// short enough that a renderer's lost last interval is small.
const cpuInterval = 100 * time.Millisecond
