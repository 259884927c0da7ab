// Package backups keeps PocketBase's own scheduled backups on by default and
// brings a backup into a fresh data directory with no server running, so a
// campaign that loses its machine the week before the election loses at most
// a day.
package backups

import (
	"errors"
	"fmt"

	"github.com/pocketbase/pocketbase/tools/cron"
)

// Schedule defaults and limits, the settings' own (config reads them).
const (
	// CronDefault is daily at 08:00 UTC, 03:00 in Colombia (UTC−5 all year,
	// no daylight saving): PocketBase's cron runs in UTC.
	CronDefault = "0 8 * * *"
	// CronOff turns the scheduled backups off.
	CronOff = "off"
	// KeepDefault is how many scheduled backups are kept: two weeks of dailies.
	KeepDefault = 14
	// KeepMin and KeepMax bound Config.Keep.
	KeepMin, KeepMax = 1, 1000
)

// Config is the schedule the server writes into PocketBase's backup settings
// at every start.
type Config struct {
	// Cron is a 5-field cron expression in UTC, or CronOff. Default ""
	// means CronDefault.
	Cron string
	// Keep is how many scheduled backups PocketBase keeps, KeepMin to
	// KeepMax. Default 0 means KeepDefault.
	Keep int
}

// withDefaults fills zero fields with the defaults.
func (c Config) withDefaults() Config {
	if c.Cron == "" {
		c.Cron = CronDefault
	}
	if c.Keep == 0 {
		c.Keep = KeepDefault
	}
	return c
}

// Validate reports a schedule PocketBase would refuse, or a Keep out of range.
func (c Config) Validate() error {
	c = c.withDefaults()
	if err := CheckCron(c.Cron); err != nil {
		return err
	}
	if c.Keep < KeepMin || c.Keep > KeepMax {
		return fmt.Errorf("backups: keep %d: want %d to %d", c.Keep, KeepMin, KeepMax)
	}
	return nil
}

// CheckCron accepts CronOff or what PocketBase's cron accepts (5 fields or a
// macro such as @daily), so a bad schedule stops the binary at start rather
// than failing when the settings are saved.
func CheckCron(s string) error {
	if s == CronOff {
		return nil
	}
	if s == "" {
		return errors.New("backups: empty schedule (use " + CronOff + ")")
	}
	if _, err := cron.NewSchedule(s); err != nil {
		return fmt.Errorf("backups: schedule %q: %w", s, err)
	}
	return nil
}
