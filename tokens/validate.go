package tokens

import (
	"fmt"
	"time"
)

// Range of Config.Max, so config's --captcha-max-ahead accepts what the
// pipeline does.
const (
	// MaxMin is the fewest tokens ahead: one, bought for the lookup asking.
	MaxMin = 1
	// MaxMax bounds the money at risk if the work goes away.
	MaxMax = 256
)

// Validate reports the first field New cannot use: zero means the default
// everywhere, so only values out of their documented range are refused.
func (c Config) Validate() error {
	if c.Max != 0 && (c.Max < MaxMin || c.Max > MaxMax) {
		return fmt.Errorf("tokens: Max %d out of range: want 0 (default %d) or %d to %d", c.Max, MaxDefault, MaxMin, MaxMax)
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"Lifetime", c.Lifetime}, {"TakeMargin", c.TakeMargin}, {"InitialSolve", c.InitialSolve}, {"Tick", c.Tick}} {
		if d.v < 0 {
			return fmt.Errorf("tokens: %s %s is negative: want 0 (default) or more", d.name, d.v)
		}
	}
	return nil
}
