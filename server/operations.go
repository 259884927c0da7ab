package server

import (
	"github.com/pocketbase/pocketbase/core"

	"github.com/padron/padron/backups"
	"github.com/padron/padron/metrics"
	"github.com/padron/padron/worker"
)

// bindOperations turns on what an operator relies on: PocketBase's
// scheduled backups as the settings say (applied at every start) and the
// /metrics endpoint, reading the worker s has (if any).
func bindOperations(app core.App, s *Server) error {
	cron := s.Config.BackupCron
	if cron == "" {
		cron = backups.CronOff // an empty flag turns them off too
	}
	if err := backups.Bind(app, backups.Config{Cron: cron, Keep: s.Config.BackupKeep}, warnAtStart); err != nil {
		return err
	}
	mcfg := metrics.Config{Allow: s.Config.MetricsAllow}
	if w := s.Worker; w != nil {
		mcfg.Worker = func() worker.Status { return w.Status() }
	}
	m, err := metrics.Bind(app, mcfg)
	if err != nil {
		return err
	}
	s.Metrics = m
	return nil
}
