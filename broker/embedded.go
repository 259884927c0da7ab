package broker

import (
	"fmt"
	"net"
	"path/filepath"
	"strconv"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// MaxPayload bounds one message: an answer with its evidence (the page's
// HTML and a screenshot) fits; larger evidence is trimmed by the agent.
const MaxPayload = 8 << 20

// EmbeddedConfig configures the NATS server Padrón runs inside itself.
type EmbeddedConfig struct {
	// Listen is host:port for agents. Default "127.0.0.1:4222"; port 0
	// picks a free one (tests).
	Listen string
	// StoreDir holds JetStream's files, under the data directory.
	StoreDir string
	// TLSCert and TLSKey put the listener behind TLS when both are set.
	TLSCert, TLSKey string
	// Auth admits clients (agents by key, the server by its own token).
	Auth server.Authentication
}

// StartEmbedded starts a NATS server with JetStream and waits until it
// accepts connections.
func StartEmbedded(cfg EmbeddedConfig) (*server.Server, error) {
	listen := cfg.Listen
	if listen == "" {
		listen = "127.0.0.1:4222"
	}
	host, portText, err := net.SplitHostPort(listen)
	if err != nil {
		return nil, fmt.Errorf("broker listen address %q: %w", listen, err)
	}
	port, err := strconv.Atoi(portText)
	if err != nil {
		return nil, fmt.Errorf("broker listen port %q: %w", portText, err)
	}
	if port == 0 {
		port = server.RANDOM_PORT
	}
	opts := &server.Options{
		ServerName:                 "padron",
		Host:                       host,
		Port:                       port,
		JetStream:                  true,
		StoreDir:                   filepath.Clean(cfg.StoreDir),
		MaxPayload:                 MaxPayload,
		NoSigs:                     true,
		NoLog:                      true,
		CustomClientAuthentication: cfg.Auth,
	}
	if cfg.TLSCert != "" {
		tc, err := server.GenTLSConfig(&server.TLSConfigOpts{CertFile: cfg.TLSCert, KeyFile: cfg.TLSKey})
		if err != nil {
			return nil, fmt.Errorf("broker TLS: %w", err)
		}
		opts.TLSConfig, opts.TLS = tc, true
	}
	ns, err := server.NewServer(opts)
	if err != nil {
		return nil, fmt.Errorf("embedded broker: %w", err)
	}
	go ns.Start()
	if !ns.ReadyForConnections(10 * time.Second) {
		ns.Shutdown()
		return nil, fmt.Errorf("embedded broker: not ready to accept connections on %s", listen)
	}
	return ns, nil
}
