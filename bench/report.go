package bench

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"text/tabwriter"
	"time"
)

// Report is everything one run measured, in the order the table prints it.
type Report struct {
	Machine  Machine   `json:"machine"`
	Quick    bool      `json:"quick"`
	Started  time.Time `json:"started"`
	Took     string    `json:"took"`
	Sections []Section `json:"sections"`
}

// Machine identifies where the figures come from, so they compare.
type Machine struct {
	CPUs     int    `json:"cpus"`
	CPUModel string `json:"cpu_model"`
	MemoryMB int64  `json:"memory_mb"`
	Kernel   string `json:"kernel"`
	Go       string `json:"go"`
	Chromium string `json:"chromium"`
}

// Section is one part of the table: Pipeline, Registration, Realtime, API, Memory.
type Section struct {
	Name    string   `json:"name"`
	Setup   string   `json:"setup"` // what was run, in one line
	Figures []Figure `json:"figures"`
}

// Figure is one measured value.
type Figure struct {
	Name  string  `json:"name"`
	Value float64 `json:"value"`
	Unit  string  `json:"unit"` // ms, s, /s, /min, %, MiB, x, or "" for a count
	Note  string  `json:"note,omitempty"`
}

// Section names, as the table and JSON spell them.
const (
	SectionPipeline     = "Pipeline"
	SectionRegistration = "Registration"
	SectionRealtime     = "Realtime"
	SectionAPI          = "API"
	SectionMemory       = "Memory"
)

// SectionNames lists every section in table order.
var SectionNames = []string{SectionPipeline, SectionRegistration, SectionRealtime, SectionAPI, SectionMemory, SectionPyramid, SectionAgents, SectionDiaD}

func (s *Section) add(name string, value float64, unit, note string) {
	s.Figures = append(s.Figures, Figure{Name: name, Value: value, Unit: unit, Note: note})
}

func (s *Section) addMs(name string, d time.Duration, note string) {
	s.add(name, float64(d.Microseconds())/1000, "ms", note)
}

// WriteJSON prints the report as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

// WriteTable prints the report as one aligned table.
func (r *Report) WriteTable(w io.Writer) error {
	m := r.Machine
	mode := "full"
	if r.Quick {
		mode = "quick"
	}
	fmt.Fprintf(w, "padron bench (%s run, %s) on %d CPU %s, %d MiB, %s, %s, %s\n\n",
		mode, r.Took, m.CPUs, m.CPUModel, m.MemoryMB, m.Kernel, m.Go, m.Chromium)
	// One aligned block per section: the setup line has no tab, so it
	// ends the previous block instead of widening the columns.
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for i, s := range r.Sections {
		if i > 0 {
			fmt.Fprintln(tw)
		}
		fmt.Fprintf(tw, "%s: %s\n", strings.ToUpper(s.Name), s.Setup)
		for _, f := range s.Figures {
			fmt.Fprintf(tw, "  %s\t%s\t%s\n", f.Name, formatValue(f), f.Note)
		}
	}
	return tw.Flush()
}

// formatValue prints a figure with a precision that fits its size.
func formatValue(f Figure) string {
	if f.Unit == "ms" && f.Value >= 1000 {
		f.Value, f.Unit = f.Value/1000, "s"
	}
	var num string
	switch v := f.Value; {
	case v == float64(int64(v)) && f.Unit != "ms" && f.Unit != "s":
		num = fmt.Sprintf("%d", int64(v))
	case v >= 100:
		num = fmt.Sprintf("%.0f", v)
	case v >= 10:
		num = fmt.Sprintf("%.1f", v)
	default:
		num = fmt.Sprintf("%.2f", v)
	}
	switch f.Unit {
	case "":
		return num
	case "%", "/s", "/min", "x":
		return num + f.Unit
	}
	return num + " " + f.Unit
}

// describeMachine reads the CPU, memory and versions the figures depend on.
func describeMachine(chromium string) Machine {
	m := Machine{CPUs: runtime.NumCPU(), Go: runtime.Version()}
	m.CPUModel = procField("/proc/cpuinfo", "model name", ":")
	if kb := procField("/proc/meminfo", "MemTotal", ":"); kb != "" {
		var n int64
		fmt.Sscan(strings.TrimSuffix(kb, " kB"), &n)
		m.MemoryMB = n / 1024
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = "Linux " + strings.TrimSpace(string(b))
	}
	if chromium != "" {
		if out, err := exec.Command(chromium, "--version").Output(); err == nil {
			m.Chromium = strings.TrimSpace(string(out))
		}
	}
	return m
}

// procField is the value of the first "key<sep> value" line of a /proc file.
func procField(path, key, sep string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), sep)
		if ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v)
		}
	}
	return ""
}
