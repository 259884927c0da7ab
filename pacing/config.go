package pacing

import (
	"fmt"
	"time"
)

// The gap and jitter the server paces with when none is configured: one
// lookup every 5–6 s, so a bulk refresh does not hammer the registrar.
const (
	GapDefault    = 5 * time.Second
	JitterDefault = time.Second
)

// Config is the pacing rule. Both zero means unpaced: every request goes
// at once.
type Config struct {
	// Gap is the minimum time between two page loads, and between two form
	// posts, at the registrar; 0 or more. Default GapDefault (5 s).
	Gap time.Duration
	// Jitter is the most random extra added to each gap; 0 or more.
	// Default JitterDefault (1 s).
	Jitter time.Duration
}

// Default returns the server's pacing: GapDefault plus up to JitterDefault.
func Default() Config { return Config{Gap: GapDefault, Jitter: JitterDefault} }

// Validate reports a negative gap or jitter.
func (c Config) Validate() error {
	if c.Gap < 0 {
		return fmt.Errorf("pacing gap %s: must be 0 or more", c.Gap)
	}
	if c.Jitter < 0 {
		return fmt.Errorf("pacing jitter %s: must be 0 or more", c.Jitter)
	}
	return nil
}

// off reports an unpaced rule.
func (c Config) off() bool { return c.Gap <= 0 && c.Jitter <= 0 }
