package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/padron/padron/backups"
	"github.com/padron/padron/captcha"
	"github.com/padron/padron/metrics"
)

// value is a setting's pflag.Value: Set parses and range-checks a string
// and only then stores it; valid re-checks the held value, for a Config
// built in code; want says what is accepted, in the words of the error.
type value interface {
	Set(string) error
	String() string
	Type() string
	valid() bool
	want() string
}

// errRejected is what Set returns; the caller words the error from want.
var errRejected = errors.New("value not accepted")

// textValue is a string setting; ok nil accepts anything.
type textValue struct {
	p     *string
	ok    func(string) bool
	wants string
}

func (v *textValue) Set(s string) error {
	if v.ok != nil && !v.ok(s) {
		return errRejected
	}
	*v.p = s
	return nil
}
func (v *textValue) String() string { return *v.p }
func (v *textValue) Type() string   { return "string" }
func (v *textValue) valid() bool    { return v.ok == nil || v.ok(*v.p) }
func (v *textValue) want() string   { return v.wants }

func anyText(p *string, wants string) *textValue { return &textValue{p: p, wants: wants} }

func nonEmpty(p *string, wants string) *textValue {
	return &textValue{p: p, wants: wants, ok: func(s string) bool { return s != "" }}
}

func oneOf(p *string, options ...string) *textValue {
	return &textValue{p: p, wants: strings.Join(options, " or "), ok: func(s string) bool {
		for _, o := range options {
			if s == o {
				return true
			}
		}
		return false
	}}
}

// httpURL accepts an absolute http or https URL with a host.
func httpURL(p *string) *textValue {
	return &textValue{p: p, wants: "an http(s) URL like https://host/path", ok: func(s string) bool {
		u, err := url.Parse(s)
		return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
	}}
}

// captchaURL accepts what the captcha client accepts as a base URL, or
// empty for the protocol's own.
func captchaURL(p *string) *textValue {
	return &textValue{p: p, wants: "an http(s) URL without a query; empty: the protocol's default",
		ok: func(s string) bool { return s == "" || captcha.CheckBaseURL(s) == nil }}
}

// backupCron accepts what PocketBase's cron accepts, "off", or an empty
// flag (off too).
func backupCron(p *string) *textValue {
	return &textValue{p: p, wants: "a cron expression in UTC like 0 8 * * *; off or empty: no scheduled backups",
		ok: func(s string) bool { return s == "" || backups.CheckCron(s) == nil }}
}

// metricsAllow accepts an access list metrics.ParseAllow reads, not empty.
func metricsAllow(p *string) *textValue {
	return &textValue{p: p, wants: "IPs or CIDRs separated by commas like 127.0.0.1,10.0.0.0/8; none: superusers only",
		ok: func(s string) bool {
			_, err := metrics.ParseAllow(s)
			return s != "" && err == nil
		}}
}

// brokerValue accepts the broker modes: none, embedded, or NATS URLs.
func brokerValue(p *string) *textValue {
	return &textValue{p: p, wants: "empty (no broker), embedded, or nats:// or tls:// URLs", ok: func(s string) bool {
		if s == "" || s == BrokerEmbedded {
			return true
		}
		for _, one := range strings.Split(s, ",") {
			u, err := url.Parse(strings.TrimSpace(one))
			if err != nil || (u.Scheme != "nats" && u.Scheme != "tls") || u.Host == "" {
				return false
			}
		}
		return true
	}}
}

// hostPort accepts host:port, the host possibly empty (every interface).
func hostPort(p *string) *textValue {
	return &textValue{p: p, wants: "host:port, like 127.0.0.1:4222", ok: func(s string) bool {
		_, port, err := net.SplitHostPort(s)
		n, perr := strconv.Atoi(port)
		return err == nil && perr == nil && n >= 0 && n <= 65535
	}}
}

// intValue is a whole number from min to max.
type intValue struct {
	p        *int
	min, max int
}

func intIn(p *int, min, max int) *intValue { return &intValue{p: p, min: min, max: max} }

func (v *intValue) Set(s string) error {
	n, err := strconv.Atoi(s)
	if err != nil || n < v.min || n > v.max {
		return errRejected
	}
	*v.p = n
	return nil
}
func (v *intValue) String() string { return strconv.Itoa(*v.p) }
func (v *intValue) Type() string   { return "int" }
func (v *intValue) valid() bool    { return *v.p >= v.min && *v.p <= v.max }
func (v *intValue) want() string {
	return fmt.Sprintf("a whole number from %d to %d", v.min, v.max)
}

// boolValue is strictly true or false, so a typo is not read as false. It
// always takes a value (no bare --worker): "--worker false" then means what
// it says instead of --worker plus a stray argument.
type boolValue struct{ p *bool }

func boolean(p *bool) *boolValue { return &boolValue{p: p} }

func (v *boolValue) Set(s string) error {
	switch s {
	case "true":
		*v.p = true
	case "false":
		*v.p = false
	default:
		return errRejected
	}
	return nil
}
func (v *boolValue) String() string { return strconv.FormatBool(*v.p) }
func (v *boolValue) Type() string   { return "true|false" }
func (v *boolValue) valid() bool    { return true }
func (v *boolValue) want() string   { return "true or false" }

// durValue is a duration from min to max (max 0: no upper bound); a
// non-empty zero says 0 is accepted too, and what it means.
type durValue struct {
	p        *time.Duration
	min, max time.Duration
	zero     string
}

func durAtLeast(p *time.Duration, min time.Duration) *durValue { return &durValue{p: p, min: min} }
func durIn(p *time.Duration, min, max time.Duration) *durValue {
	return &durValue{p: p, min: min, max: max}
}
func durOffOrAtLeast(p *time.Duration, min time.Duration, zero string) *durValue {
	return &durValue{p: p, min: min, zero: zero}
}

func (v *durValue) Set(s string) error {
	d, err := time.ParseDuration(s)
	if err != nil || !v.accepts(d) {
		return errRejected
	}
	*v.p = d
	return nil
}

func (v *durValue) accepts(d time.Duration) bool {
	if d == 0 && v.zero != "" {
		return true
	}
	return d >= v.min && (v.max == 0 || d <= v.max)
}

func (v *durValue) String() string { return formatDuration(*v.p) }
func (v *durValue) Type() string   { return "duration" }
func (v *durValue) valid() bool    { return v.accepts(*v.p) }
func (v *durValue) want() string {
	const kind = "a duration like 5s or 1m30s, "
	switch {
	case v.zero != "":
		return kind + "0 (" + v.zero + ") or at least " + formatDuration(v.min)
	case v.max != 0:
		return kind + "from " + formatDuration(v.min) + " to " + formatDuration(v.max)
	case v.min == 0:
		return kind + "0 or more"
	default:
		return kind + "at least " + formatDuration(v.min)
	}
}

// durListValue is a comma-separated list of one or more durations, each 0
// or more.
type durListValue struct{ p *[]time.Duration }

func durList(p *[]time.Duration) *durListValue { return &durListValue{p: p} }

func (v *durListValue) Set(s string) error {
	var ds []time.Duration
	for _, part := range strings.Split(s, ",") {
		d, err := time.ParseDuration(strings.TrimSpace(part))
		if err != nil || d < 0 {
			return errRejected
		}
		ds = append(ds, d)
	}
	*v.p = ds
	return nil
}

func (v *durListValue) String() string {
	parts := make([]string, len(*v.p))
	for i, d := range *v.p {
		parts[i] = formatDuration(d)
	}
	return strings.Join(parts, ",")
}
func (v *durListValue) Type() string { return "durations" }
func (v *durListValue) valid() bool {
	for _, d := range *v.p {
		if d < 0 {
			return false
		}
	}
	return len(*v.p) > 0
}
func (v *durListValue) want() string {
	return "a comma-separated list of durations like 1m,5m,15m, each 0 or more"
}

// formatDuration writes d the way people type it: 5m rather than 5m0s,
// 720h rather than 720h0m0s.
func formatDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") {
		s = s[:len(s)-2]
	}
	return s
}
