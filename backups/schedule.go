package backups

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
)

// Bind writes cfg's schedule into PocketBase's backup settings each time
// app serves, before it accepts requests: the setting is what runs, at every
// start (a schedule changed in the dashboard lasts until the next restart,
// and warn says so when a start replaced one). S3 storage, set in the
// dashboard, is left as it is. warn reports to the operator (stderr and the
// app's logs); Bind returns cfg's validation error.
func Bind(app core.App, cfg Config, warn func(core.App, string)) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	cfg = cfg.withDefaults()
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		if err := Apply(se.App, cfg, warn); err != nil {
			return err
		}
		return se.Next()
	})
	return nil
}

// Apply saves cfg's schedule in app's settings when they differ (PocketBase
// then reschedules its backup job), warning when backups are off or a
// different schedule was replaced.
func Apply(app core.App, cfg Config, warn func(core.App, string)) error {
	cfg = cfg.withDefaults()
	cron := cfg.Cron
	if cron == CronOff {
		cron = ""
		warn(app, "scheduled backups are off (PADRON_BACKUP_CRON=off): nothing will be backed up unless a superuser creates a backup in the dashboard")
	}
	cur := app.Settings().Backups
	if cur.Cron == cron && (cron == "" || cur.CronMaxKeep == cfg.Keep) {
		return nil
	}
	if cur.Cron != "" && cron != "" && cur.Cron != cron {
		warn(app, fmt.Sprintf("backup schedule changed from %q to %q by PADRON_BACKUP_CRON: a schedule changed in the dashboard lasts only until the next start", cur.Cron, cfg.Cron))
	}
	s, err := app.Settings().Clone()
	if err != nil {
		return fmt.Errorf("backups: reading settings: %w", err)
	}
	s.Backups.Cron = cron
	if cron != "" {
		s.Backups.CronMaxKeep = cfg.Keep
	}
	if err := app.Save(s); err != nil {
		return fmt.Errorf("backups: saving the schedule: %w", err)
	}
	return nil
}
