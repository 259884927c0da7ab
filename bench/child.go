package bench

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Timeouts of a child server's life.
const (
	healthTimeout = 60 * time.Second // start to healthy, Chromium not included
	// stopTimeout covers the worker's 20 s grace for checks in flight.
	stopTimeout = 40 * time.Second
	goneTimeout = 10 * time.Second // Chromium's exit after the server's
)

// server is the padron binary serving a data directory as a child process,
// so its memory is its own and nothing the bench does skews it.
type server struct {
	name   string
	base   string // e.g. http://127.0.0.1:41234
	cmd    *exec.Cmd
	logf   *os.File
	exited chan struct{} // closed when the process has been waited for

	mu     sync.Mutex
	family []proc // every Chromium process seen below it
}

// serverSpec says how to run one child server.
type serverSpec struct {
	name    string            // for progress lines and the log file
	bin     string            // the padron binary
	dataDir string            // --dir
	tmpDir  string            // its TMPDIR: Chromium's profiles live there
	logDir  string            // where <name>.log goes
	env     map[string]string // PADRON_* settings
}

// startServer runs `padron serve` as spec says and waits until it is
// healthy. The child stops with the bench even if the bench is killed
// (parent-death signal), and in its own process group, so a terminal's
// Ctrl-C reaches only the bench, which stops it in order.
func startServer(ctx context.Context, spec serverSpec) (*server, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	logf, err := os.Create(filepath.Join(spec.logDir, spec.name+".log"))
	if err != nil {
		return nil, fmt.Errorf("server %s: log: %w", spec.name, err)
	}
	cmd := exec.Command(spec.bin, "serve", "--dir", spec.dataDir, "--http", addr)
	cmd.Dir = spec.tmpDir
	cmd.Env = childEnv(spec)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("server %s: start: %w", spec.name, err)
	}
	s := &server{name: spec.name, base: "http://" + addr, cmd: cmd, logf: logf, exited: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(s.exited) }()
	if err := s.waitHealthy(ctx); err != nil {
		s.stop()
		return nil, err
	}
	return s, nil
}

// childEnv is the bench's environment without the caller's PADRON_*
// settings (the bench decides every one) plus the spec's.
func childEnv(spec serverSpec) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PADRON_") && !strings.HasPrefix(kv, "TMPDIR=") {
			env = append(env, kv)
		}
	}
	env = append(env, "TMPDIR="+spec.tmpDir)
	for k, v := range spec.env {
		env = append(env, k+"="+v)
	}
	return env
}

// freeAddr picks a loopback port nobody listens on.
func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("picking a port: %w", err)
	}
	defer l.Close()
	return l.Addr().String(), nil
}

func (s *server) waitHealthy(ctx context.Context) error {
	deadline := time.Now().Add(healthTimeout)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.base+"/api/health", nil)
		if res, err := http.DefaultClient.Do(req); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-s.exited:
			return fmt.Errorf("server %s exited before it was healthy: %s", s.name, s.logTail())
		case <-tick.C:
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("server %s not healthy after %s: %s", s.name, healthTimeout, s.logTail())
		}
	}
}

// pid is the server process's id.
func (s *server) pid() int { return s.cmd.Process.Pid }

// memory samples the server and its Chromium family; it remembers the
// family so stop can make sure all of it is gone.
func (s *server) memory() (srv, chromium memKiB) {
	fam := descendants(s.pid())
	s.rememberFamily(fam)
	return memoryOf([]proc{{PID: s.pid()}}), memoryOf(fam)
}

func (s *server) rememberFamily(fam []proc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range fam {
		known := false
		for _, q := range s.family {
			known = known || q == p
		}
		if !known {
			s.family = append(s.family, p)
		}
	}
}

// stop terminates the server (SIGTERM: the worker finishes its checks in
// flight and closes Chromium), kills it if it outlives stopTimeout, and
// makes sure no Chromium process it started survives it.
func (s *server) stop() error {
	select {
	case <-s.exited:
	default:
		s.rememberFamily(descendants(s.pid()))
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.exited:
		case <-time.After(stopTimeout):
			_ = syscall.Kill(-s.pid(), syscall.SIGKILL) // its process group
			<-s.exited
		}
	}
	s.mu.Lock()
	family := append([]proc(nil), s.family...)
	s.mu.Unlock()
	err := waitGone(family, goneTimeout)
	if cerr := s.logf.Close(); cerr != nil && !errors.Is(cerr, os.ErrClosed) {
		err = errors.Join(err, cerr)
	}
	return err
}

// waitGone waits until none of procs runs, killing stragglers halfway.
func waitGone(procs []proc, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	killed := false
	for {
		var left []int
		for _, p := range procs {
			if p.alive() {
				left = append(left, p.PID)
			}
		}
		switch {
		case len(left) == 0:
			return nil
		case time.Now().After(deadline):
			return fmt.Errorf("chromium processes still alive %s after their server: %v", timeout, left)
		case !killed && time.Now().After(deadline.Add(-timeout/2)):
			for _, pid := range left {
				_ = syscall.Kill(pid, syscall.SIGKILL)
			}
			killed = true
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// logTail is the end of the server's log, for errors.
func (s *server) logTail() string {
	b, err := os.ReadFile(s.logf.Name())
	if err != nil {
		return err.Error()
	}
	const max = 2000
	if len(b) > max {
		b = b[len(b)-max:]
	}
	return strings.TrimSpace(string(b))
}
