package server

import (
	"fmt"
	"log/slog"

	"github.com/padron/padron/captcha"
	"github.com/padron/padron/census"
	"github.com/padron/padron/config"
	"github.com/padron/padron/scraper"
	"github.com/padron/padron/tokens"
	"github.com/padron/padron/worker"
)

// EngineConfig translates the settings into the scraper's, captcha client
// included, so callers can add what flags cannot carry (the pacing Gate,
// whose gap also sizes the token pipeline) before building the engine. Without a captcha key the Solver is nil:
// every check then fails with census.ErrCaptchaConfig instead of the server
// refusing to start.
func EngineConfig(c *config.Config, logger *slog.Logger) (scraper.Config, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	cfg := scraper.Config{
		Source:           census.Source(c.Source),
		WSPURL:           c.RegistrarURL,
		EleccionesURL:    c.EleccionesURL,
		EleccionesAPIURL: c.EleccionesAPIURL,
		ChromiumPath:     c.ChromiumPath,
		PoolSize:         c.BrowserPool,
		LookupTimeout:    c.LookupTimeout,
		Logger:           logger,
		Tokens:           tokens.Config{Max: c.CaptchaMaxAhead},
	}
	if c.CaptchaKey == "" {
		return cfg, nil // serve warns once at startup (Config.Warnings)
	}
	solver, err := captcha.New(captcha.Config{API: c.CaptchaAPI, BaseURL: c.CaptchaURL, Key: c.CaptchaKey,
		FirstPoll: c.CaptchaFirstPoll, PollInterval: c.CaptchaPollInterval})
	if err != nil {
		return scraper.Config{}, fmt.Errorf("captcha service: %w", err)
	}
	cfg.Solver = solver
	return cfg, nil
}

// NewEngine builds the census lookup engine from the settings, for commands
// that look up without a worker (padron census lookup); Chromium starts
// only with the first lookup.
func NewEngine(c *config.Config, logger *slog.Logger) (*scraper.Engine, error) {
	cfg, err := EngineConfig(c, logger)
	if err != nil {
		return nil, err
	}
	e, err := scraper.New(cfg)
	if err != nil {
		return nil, fmt.Errorf("census engine: %w", err)
	}
	return e, nil
}

// WorkerConfig translates the settings into the census worker's; logger may
// be nil (the app's logger is used once the worker starts).
func WorkerConfig(c *config.Config, logger *slog.Logger) worker.Config {
	revalidate := c.RevalidateAfter
	if revalidate == 0 {
		revalidate = worker.RevalidateOff // 0 means "never" on the command line
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
