package metrics

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"github.com/padron/padron/apierrors"
)

// Access list values.
const (
	// AllowDefault is loopback only: a Prometheus or an agent on the same
	// machine.
	AllowDefault = "127.0.0.0/8,::1"
	// AllowNone lets only superusers read the metrics.
	AllowNone = "none"
)

// allowList is the parsed access list.
type allowList []netip.Prefix

// ParseAllow reads an access list: AllowNone, or IPs and CIDRs separated by
// commas ("" is AllowDefault). IPv4-mapped IPv6 addresses match their IPv4
// form.
func ParseAllow(s string) (allowList, error) {
	if s == "" {
		s = AllowDefault
	}
	if s == AllowNone {
		return allowList{}, nil
	}
	var out allowList
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		var p netip.Prefix
		var err error
		if strings.Contains(part, "/") {
			p, err = netip.ParsePrefix(part)
		} else {
			var a netip.Addr
			if a, err = netip.ParseAddr(part); err == nil {
				if a.Zone() != "" {
					err = fmt.Errorf("zone")
				}
				p = netip.PrefixFrom(a, a.BitLen())
			}
		}
		if err != nil || part == "" {
			return nil, fmt.Errorf("metrics: %q is not an IP or CIDR", part)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// contains reports whether addr (host:port or host) is in the list.
func (l allowList) contains(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return false
	}
	a = a.Unmap().WithZone("")
	for _, p := range l {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// proxyHeaders mark a request a proxy forwarded: the connection's address
// is the proxy's, not the client's.
var proxyHeaders = []string{"Forwarded", "X-Forwarded-For", "X-Real-Ip", "X-Client-Ip", "Cf-Connecting-Ip", "True-Client-Ip", "Fly-Client-Ip"}

// forwarded reports whether r came through a proxy.
func forwarded(r *http.Request) bool {
	for _, h := range proxyHeaders {
		if r.Header.Get(h) != "" {
			return true
		}
	}
	return false
}

// authorize lets superusers in, and requests whose connection comes from an
// allowed address and that no proxy forwarded (behind a reverse proxy on the
// same machine every request comes from loopback: the proxy's own headers
// then say it is not the scraper).
func (m *Metrics) authorize(e *core.RequestEvent) error {
	if e.HasSuperuserAuth() {
		return nil
	}
	if !forwarded(e.Request) && m.allow.contains(e.Request.RemoteAddr) {
		return nil
	}
	if e.Auth == nil {
		return apierrors.New(http.StatusUnauthorized, "metrics_auth_required",
			"Las métricas son solo para superusuarios o para las direcciones permitidas.", nil)
	}
	return apierrors.New(http.StatusForbidden, "metrics_not_allowed",
		"Las métricas son solo para superusuarios o para las direcciones permitidas.", nil)
}
