package config

import (
	"fmt"
	"strings"
	"time"
)

// durationsValue lets a comma-separated list of durations be a pflag.Value.
type durationsValue struct {
	p *[]time.Duration
	s string
}

func (v *durationsValue) String() string { return v.s }
func (v *durationsValue) Type() string   { return "durations" }

func (v *durationsValue) Set(s string) error {
	d, err := parseDurations(s)
	if err != nil {
		return err
	}
	*v.p, v.s = d, s
	return nil
}

func parseDurations(s string) ([]time.Duration, error) {
	var out []time.Duration
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		d, err := time.ParseDuration(part)
		if err != nil {
			return nil, fmt.Errorf("retry delay %q: %w", part, err)
		}
		if d < 0 {
			return nil, fmt.Errorf("retry delay %q is negative", part)
		}
		out = append(out, d)
	}
	return out, nil
}

func durationsString(ds []time.Duration) string {
	parts := make([]string, len(ds))
	for i, d := range ds {
		parts[i] = d.String()
	}
	return strings.Join(parts, ",")
}
