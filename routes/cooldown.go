package routes

import (
	"fmt"
	"time"
)

// The refresh cooldown's default and range, so config's --refresh-cooldown
// accepts exactly what Register does; "off" is named, never zero.
const (
	// RefreshCooldownDefault is the cooldown used when Deps leaves it zero.
	RefreshCooldownDefault = 30 * time.Second
	// RefreshCooldownMin keeps a leader's double click from queuing twice.
	RefreshCooldownMin = time.Second
	// RefreshCooldownMax still lets a record be re-checked once a day.
	RefreshCooldownMax = 24 * time.Hour
	// RefreshCooldownOff, as Deps.RefreshCooldown, turns the cooldown off.
	RefreshCooldownOff time.Duration = -1
)

// Validate reports a Deps field Register cannot use: zero means the
// default, RefreshCooldownOff is off, anything else must be in range.
func (d Deps) Validate() error {
	c := d.RefreshCooldown
	if c != 0 && c != RefreshCooldownOff && (c < RefreshCooldownMin || c > RefreshCooldownMax) {
		return fmt.Errorf("routes: RefreshCooldown %s out of range: want 0 (default %s), RefreshCooldownOff or %s to %s",
			c, RefreshCooldownDefault, RefreshCooldownMin, RefreshCooldownMax)
	}
	if l := d.RefreshDailyLimit; l != 0 && (l < RefreshDailyLimitMin || l > RefreshDailyLimitMax) {
		return fmt.Errorf("routes: RefreshDailyLimit %d out of range: want 0 (default %d) or %d to %d",
			l, RefreshDailyLimitDefault, RefreshDailyLimitMin, RefreshDailyLimitMax)
	}
	return nil
}
