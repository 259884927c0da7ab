package scraper

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/go-rod/rod/lib/launcher"

	"github.com/padron/padron/captcha"
	"github.com/padron/padron/cedula"
	"github.com/padron/padron/census"
	"github.com/padron/padron/registrar"
	"github.com/padron/padron/tokens"
)

// Budgets around a lookup's deadline: evidence capture after a failure, and
// how long past the deadline the watchdog waits before closing the page.
const (
	evidenceTimeout = 3 * time.Second
	watchdogGrace   = evidenceTimeout + 2*time.Second
	reportTimeout   = 10 * time.Second
)

// Config configures an Engine; zero fields take the documented defaults,
// and New refuses values outside the documented ranges (Validate).
type Config struct {
	// Source is the site to ask. Default SourceWSP.
	Source census.Source
	// WSPURL is the legacy census page. Default registrar.WSPURL.
	WSPURL string
	// EleccionesURL is the 2026 lookup page. Default registrar.EleccionesURL.
	EleccionesURL string
	// EleccionesAPIURL is the 2026 site's JSON endpoint, whose answer is read.
	// Default registrar.EleccionesAPIURL.
	EleccionesAPIURL string
	// SiteKey is the reCAPTCHA sitekey the page must carry; another one means
	// the site changed. Default registrar.WSPSiteKey or registrar.EleccionesSiteKey per Source.
	SiteKey string
	// Solver gets the captcha tokens. Default nil: every lookup fails with
	// census.ErrCaptchaConfig, so a missing key shows up per check, not at startup.
	Solver captcha.Solver
	// Tokens tunes the pipeline that buys tokens from Solver ahead of need
	// (its Demand should be the queue's; its Pacing defaults to Gate, when
	// Gate has a Gap). Default: tokens' defaults with no Demand, so each
	// lookup solves its own token when it asks.
	Tokens tokens.Config
	// Gate paces traffic to the site; waited on twice per lookup, right
	// before the page is requested (browser and context already up, the
	// captcha token taken) and right before the form is posted. Default
	// nil: no pacing.
	Gate Gate
	// ChromiumPath is the browser binary. Default launcher.LookPath(); a
	// browser is never downloaded.
	ChromiumPath string
	// PoolSize is how many lookups share the browser at once, from
	// registrar.PoolSizeMin to registrar.PoolSizeMax (1 to 64). Default
	// registrar.PoolSizeDefault (2).
	PoolSize int
	// RecycleAfter is how many lookups a browser serves before it is
	// replaced, bounding leaks in Chromium and Rod; at least
	// registrar.RecycleAfterMin (1). Default registrar.RecycleAfterDefault
	// (200).
	RecycleAfter int
	// LookupTimeout bounds the browser part of a lookup (open, submit, read
	// the answer); the captcha solve has its own deadline, and waiting for a
	// pool slot or the Gate counts only against the caller's. From
	// registrar.LookupTimeoutMin to registrar.LookupTimeoutMax (1s to 10m).
	// Default registrar.LookupTimeoutDefault (45 s).
	LookupTimeout time.Duration
	// UserAgent is the browser identity shown to the site. Default
	// UserAgentDefault; never one containing "HeadlessChrome".
	UserAgent string
	// Logger gets one line per lookup and browser events. Default: discards.
	Logger *slog.Logger
	// SkipScreenshots leaves the PNG out of failure evidence. Default false:
	// evidence carries a screenshot.
	SkipScreenshots bool
}

// Engine looks cédulas up on the registrar through a shared headless
// Chromium. Safe for concurrent use; Close it to kill the browser.
type Engine struct {
	cfg    Config
	site   site
	pool   *pool
	tokens *tokens.Pipeline // nil without a Solver

	closeOnce sync.Once
	closeErr  error
}

var _ census.Lookuper = (*Engine)(nil)

// New validates cfg and returns an engine; Chromium starts only with the
// first lookup, so building one needs no browser.
func New(cfg Config) (*Engine, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Source == "" {
		cfg.Source = census.SourceWSP
	}
	if cfg.WSPURL == "" {
		cfg.WSPURL = registrar.WSPURL
	}
	if cfg.EleccionesURL == "" {
		cfg.EleccionesURL = registrar.EleccionesURL
	}
	if cfg.EleccionesAPIURL == "" {
		cfg.EleccionesAPIURL = registrar.EleccionesAPIURL
	}
	if cfg.PoolSize == 0 {
		cfg.PoolSize = registrar.PoolSizeDefault
	}
	if cfg.RecycleAfter == 0 {
		cfg.RecycleAfter = registrar.RecycleAfterDefault
	}
	if cfg.LookupTimeout == 0 {
		cfg.LookupTimeout = registrar.LookupTimeoutDefault
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = UserAgentDefault
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.ChromiumPath == "" {
		cfg.ChromiumPath, _ = launcher.LookPath() // checked at first lookup
	}
	var st site
	switch cfg.Source {
	case census.SourceWSP:
		if cfg.SiteKey == "" {
			cfg.SiteKey = registrar.WSPSiteKey
		}
		st = wspSite(cfg.WSPURL)
	case census.SourceElecciones:
		if cfg.SiteKey == "" {
			cfg.SiteKey = registrar.EleccionesSiteKey
		}
		st = eleccionesSite(cfg.EleccionesURL, cfg.EleccionesAPIURL)
	default:
		return nil, fmt.Errorf("scraper: unknown source %q (want %q or %q)", cfg.Source, census.SourceWSP, census.SourceElecciones)
	}
	e := &Engine{
		cfg:  cfg,
		site: st,
		pool: newPool(cfg.ChromiumPath, cfg.PoolSize, cfg.RecycleAfter, cfg.Logger),
	}
	if cfg.Solver != nil {
		if cfg.Tokens.Logger == nil {
			cfg.Tokens.Logger = cfg.Logger
		}
		if p, ok := cfg.Gate.(tokens.Pace); ok && cfg.Tokens.Pacing == nil {
			cfg.Tokens.Pacing = p // one gap for the gate and the pipeline
		}
		// The token needs only the sitekey and URL: it can be bought before
		// the lookup that will use it.
		task := captcha.Task{SiteKey: cfg.SiteKey, PageURL: st.pageURL, UserAgent: cfg.UserAgent}
		p, err := tokens.New(cfg.Solver, task, cfg.Tokens)
		if err != nil {
			return nil, err // Validate checked cfg.Tokens: unreachable
		}
		e.tokens = p
	}
	return e, nil
}

// TokenStatus reports the captcha token pipeline, for the operator; ok is
// false without a captcha service.
func (e *Engine) TokenStatus() (st tokens.Status, ok bool) {
	if e.tokens == nil {
		return tokens.Status{}, false
	}
	return e.tokens.Status(), true
}

// Lookup asks the registrar about one cédula. Failures are *census.LookupError of
// one census.Err* class, except a cancelled ctx (an error wrapping
// context.Canceled) and an invalid cédula (a *cedula.Error).
func (e *Engine) Lookup(ctx context.Context, ced string) (census.Result, error) {
	start := time.Now()
	res, err := e.lookup(ctx, ced)
	res.Duration = time.Since(start)
	log := e.cfg.Logger.With("source", e.cfg.Source, "cedula", ced, "duration", res.Duration.Round(time.Millisecond))
	if err != nil {
		log.Info("census lookup failed", "class", classText(err), "err", err)
	} else {
		log.Info("census lookup", "outcome", res.Outcome)
	}
	return res, err
}

func (e *Engine) lookup(ctx context.Context, raw string) (census.Result, error) {
	ced, err := cedula.Normalize(raw)
	if err != nil {
		return census.Result{}, fmt.Errorf("scraper: cedula %q: %w", raw, err)
	}
	if e.tokens == nil {
		return census.Result{}, census.Fail(census.ErrCaptchaConfig, nil, "no captcha service configured: set a captcha key (PADRON_CAPTCHA_KEY)")
	}

	// Tokens are bought ahead by the pipeline; take one before the site's
	// time, and give it back if the form is never submitted.
	tok, err := e.takeToken(ctx)
	if err != nil {
		return census.Result{}, err
	}
	defer func() { tok.Return() }()
	// Waiting for a pool slot (and a launch, which has its own budget) is
	// bounded by the caller only: LookupTimeout is for the browser's work.
	b, err := e.pool.acquire(ctx)
	if err != nil {
		if errors.Is(err, errClosed) {
			return census.Result{}, census.Fail(census.ErrTransient, err, "engine is shutting down")
		}
		if ctx.Err() != nil {
			return census.Result{}, interrupted(ctx, "waiting for the browser", err)
		}
		return census.Result{}, census.Fail(census.ErrTransient, err, "browser unavailable")
	}
	defer e.pool.release(b)

	// submitted is the token the form went out with, if it did.
	var submitted *tokens.Token
	res, err := e.visit(ctx, b, ced, func(ctx context.Context) (string, error) {
		// Never submit a token past its lifetime: one that aged at the pool
		// or the gate is wasted and replaced.
		for !tok.Fresh() {
			tok.Expire()
			e.cfg.Logger.Warn("captcha token expired before the submit; taking another", "solved", tok.Solved)
			next, terr := e.takeToken(ctx)
			if terr != nil {
				return "", terr
			}
			tok = next
		}
		tok.Used()
		submitted = tok
		return tok.Value, nil
	})
	if errors.Is(err, census.ErrCaptcha) && submitted != nil {
		rctx, rcancel := context.WithTimeout(context.WithoutCancel(ctx), reportTimeout)
		if rerr := submitted.Reject(rctx); rerr != nil {
			e.cfg.Logger.Warn("reporting a rejected captcha token", "err", rerr)
		}
		rcancel()
	}
	return res, err
}

// takeToken takes a captcha token from the pipeline, classifying failures.
func (e *Engine) takeToken(ctx context.Context) (*tokens.Token, error) {
	tok, err := e.tokens.Take(ctx)
	switch {
	case err == nil:
		return tok, nil
	case errors.Is(err, tokens.ErrClosed):
		return nil, census.Fail(census.ErrTransient, err, "engine is shutting down")
	case tokens.ErrEmptyToken(err):
		return nil, census.Fail(census.ErrCaptcha, nil, "the captcha service returned an empty token")
	}
	return nil, captchaFailure(ctx, err)
}

// Close kills Chromium and waits until none of its processes is left.
// Lookups still running fail; later ones fail at once.
func (e *Engine) Close() error {
	e.closeOnce.Do(func() {
		if e.tokens != nil {
			_ = e.tokens.Close()
		}
		e.closeErr = e.pool.close()
	})
	return e.closeErr
}

// captchaFailure classifies a solver error.
func captchaFailure(ctx context.Context, err error) error {
	switch {
	case ctx.Err() != nil:
		return interrupted(ctx, "solving the captcha", err)
	case errors.Is(err, captcha.ErrConfig):
		return census.Fail(census.ErrCaptchaConfig, err, "captcha service refused our account")
	case errors.Is(err, captcha.ErrUnreachable):
		// Before ErrTimeout: a solve that timed out while the service was
		// down failed because of the service.
		return census.Fail(census.ErrCaptchaUnreachable, err, "no captcha token")
	case errors.Is(err, captcha.ErrUnsolvable), errors.Is(err, captcha.ErrTimeout), errors.Is(err, captcha.ErrBusy):
		return census.Fail(census.ErrCaptcha, err, "no captcha token")
	}
	// An odd answer from the service: a captcha failure, not the
	// registrar's (which was never asked); try again later.
	return census.Fail(census.ErrCaptcha, err, "unexpected answer from the captcha service")
}

// interrupted explains a stop caused by a context: the caller's
// cancellation (an error wrapping context.Canceled, no class) or a deadline,
// the caller's or the lookup's own (ErrTimeout).
func interrupted(ctx context.Context, stage string, err error) error {
	if errors.Is(ctx.Err(), context.Canceled) {
		return fmt.Errorf("scraper: lookup cancelled while %s: %w", stage, context.Canceled)
	}
	return census.Fail(census.ErrTimeout, err, "deadline passed while %s", stage)
}

// classText names err's class for logs and the CLI ("" when unclassified).
func classText(err error) string {
	if c := census.ClassOf(err); c != nil {
		return c.Error()
	}
	return ""
}
