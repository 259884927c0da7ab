package broker_test

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/padron/padron/agent"
	"github.com/padron/padron/broker"
)

var (
	natsOnce sync.Once
	natsBin  string
	natsErr  error
)

// natsServer builds nats-server from the module go.mod pins (no download
// but the module proxy's), once per test process.
func natsServer(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs nats-server")
	}
	natsOnce.Do(func() {
		dir, err := os.MkdirTemp("", "padron-nats-server-")
		if err != nil {
			natsErr = err
			return
		}
		natsBin = filepath.Join(dir, "nats-server")
		if out, err := exec.Command("go", "build", "-o", natsBin, "github.com/nats-io/nats-server/v2").CombinedOutput(); err != nil {
			natsErr = fmt.Errorf("build nats-server: %v\n%s", err, out)
		}
	})
	if natsErr != nil {
		t.Fatal(natsErr)
	}
	return natsBin
}

// natsProc is an external nats-server process with JetStream.
type natsProc struct {
	t         *testing.T
	bin, addr string
	store     string
	cmd       *exec.Cmd
}

func (n *natsProc) start() {
	n.t.Helper()
	host, port, _ := net.SplitHostPort(n.addr)
	n.cmd = exec.Command(n.bin, "-js", "-sd", n.store, "-a", host, "-p", port)
	if err := n.cmd.Start(); err != nil {
		n.t.Fatal(err)
	}
	waitFor(n.t, 30*time.Second, "nats-server up", func() bool {
		c, err := net.Dial("tcp", n.addr)
		if err == nil {
			c.Close()
		}
		return err == nil
	})
}

func (n *natsProc) stop() {
	_ = n.cmd.Process.Signal(syscall.SIGTERM)
	_ = n.cmd.Wait()
}

// TestExternalBrokerRestartedMidFlow runs the flow against a real
// nats-server process, stopped and started again while checks are in
// flight: every check ends answered once.
func TestExternalBrokerRestartedMidFlow(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	ns := &natsProc{t: t, bin: natsServer(t), addr: addr, store: t.TempDir()}
	ns.start()
	t.Cleanup(ns.stop)
	url := "nats://" + addr

	e := setupWith(t, broker.Config{URL: url, AckWait: 2 * time.Second}, 4)
	for _, name := range []string{"uno", "dos"} {
		nc, err := nats.Connect(url, nats.MaxReconnects(-1), nats.ReconnectWait(100*time.Millisecond))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(nc.Close)
		e.runAgent(t, nc, agent.Config{Name: name, Slots: 2, Lookup: &lookup{work: 30 * time.Millisecond}})
	}
	users := e.addUsers(t, 30)
	waitFor(t, 60*time.Second, "a few answered", func() bool {
		n, _ := e.app.CountRecords("cedula_info", dbxEq("status", "active"))
		return n >= 5
	})
	atStop, _ := e.app.CountRecords("cedula_info", dbxEq("status", "active"))
	ns.stop()
	ns.start()
	t.Logf("broker restarted with %d of %d checks answered", atStop, len(users)+len(e.seeded(t)))
	e.waitAnswered(t, users)
	e.waitAnswered(t, e.seeded(t))
}
