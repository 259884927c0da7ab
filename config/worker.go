package config

import (
	"log/slog"

	"github.com/padron/padron/worker"
)

// WorkerConfig translates the settings into the census worker's; logger may
// be nil (the app's logger is used once the worker starts).
func (c *Config) WorkerConfig(logger *slog.Logger) worker.Config {
	revalidate := c.RevalidateAfter
	if revalidate == 0 {
		revalidate = -1 // 0 means "never" on the command line
	}
	return worker.Config{
		Concurrency:       c.Concurrency,
		Tick:              c.WorkerTick,
		MaxAttempts:       c.MaxAttempts,
		RetryDelays:       c.RetryDelays,
		BreakerThreshold:  c.BreakerThreshold,
		BreakerCooloff:    c.BreakerCooloff,
		BreakerMaxCooloff: c.BreakerMaxCooloff,
		AttemptRetention:  c.AttemptRetention,
		RevalidateAfter:   revalidate,
		Source:            c.Source,
		Logger:            logger,
	}
}
