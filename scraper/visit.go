package scraper

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/padron/padron/census"
	"github.com/padron/padron/pacing"
	"github.com/padron/padron/registrar"
)

// visit runs the browser part of a lookup on b: open the form, check it,
// fill it with cedula and the captcha token (from token, asked right before
// the submit), submit it through the page's
// own button and script, and parse the answer the script received.
// ctx is the caller's; the browser's work gets LookupTimeout in all, the
// waits at the Gate (before the page load and before the form post) aside:
// with many checks queued at the registrar's pace they may be long.
func (e *Engine) visit(ctx context.Context, b *browser, ced string, token func(context.Context) (string, error)) (census.Result, error) {
	start := time.Now()
	octx, ocancel := context.WithTimeout(ctx, e.cfg.LookupTimeout)
	s, err := openSession(octx, b, userAgent(e.cfg.UserAgent))
	if err != nil {
		err = e.failure(ctx, octx, nil, nil, fmt.Errorf("opening a browser page: %w", err))
		ocancel()
		return census.Result{}, err
	}
	ocancel()
	defer s.close() // ends the gate's turns still out, too
	opening := time.Since(start)

	// Pace here, not earlier: launching or recycling the browser and opening
	// the context take variable time, which must not eat into the gap. The
	// waits at the gate do not count against the lookup's budget either:
	// each phase's deadline has room for its request's hold in the browser
	// (at most PaceLead), and the time it was held is given back.
	if err := e.pace(ctx, s, pacing.PageLoad); err != nil {
		return census.Result{}, err
	}
	var hold time.Duration
	if e.cfg.Gate != nil {
		hold = PaceLead
	}
	budget := e.cfg.LookupTimeout - opening
	phase := time.Now()
	bctx, cancel := context.WithTimeout(ctx, budget+hold)
	stopWatch := s.watch(bctx, watchdogGrace)
	defer func() {
		stopWatch()
		cancel()
	}()
	page := s.page.Context(bctx)

	if err := page.Navigate(e.site.pageURL); err != nil {
		return census.Result{}, e.failure(ctx, bctx, s, nil, fmt.Errorf("loading %s: %w", e.site.pageURL, err))
	}
	form, err := e.site.awaitForm(bctx, page, func() int { return int(s.pageStatus.Load()) })
	switch {
	case err != nil:
		return census.Result{}, e.failure(ctx, bctx, s, nil, err)
	case form.Blocked:
		return census.Result{}, e.failure(ctx, bctx, s, nil, census.Fail(census.ErrBlocked, nil, "the firewall's block page came instead of the form"))
	case form.Status >= 400:
		return census.Result{}, e.failure(ctx, bctx, s, nil, census.Fail(registrar.StatusClass(form.Status), nil, "the page at %s answered HTTP %d", form.Href, form.Status))
	case len(form.Missing) > 0:
		return census.Result{}, e.failure(ctx, bctx, s, nil, census.Fail(census.ErrSiteChanged, nil, "the page at %s lacks %s", form.Href, form.missing()))
	case form.SiteKey != e.cfg.SiteKey:
		return census.Result{}, e.failure(ctx, bctx, s, nil, census.Fail(census.ErrSiteChanged, nil,
			"the page's reCAPTCHA sitekey is %q, configured %q: the site changed (or fix the configured sitekey)", form.SiteKey, e.cfg.SiteKey))
	}

	endpoint := e.site.answerURL
	if endpoint == "" {
		endpoint = form.Href
	}
	if err := s.expect(endpoint); err != nil {
		return census.Result{}, e.failure(ctx, bctx, s, nil, census.Fail(census.ErrSiteChanged, err, "the page's URL"))
	}

	// The form post takes its own turn, so this lookup's post and the next
	// one's page load may overlap; the lookup's clock stops meanwhile.
	stopWatch()
	cancel()
	budget -= time.Since(phase) - s.heldFor(pacing.PageLoad)
	if err := e.pace(ctx, s, pacing.FormPost); err != nil {
		return census.Result{}, err
	}
	bctx, cancelPost := context.WithTimeout(ctx, budget+hold)
	defer cancelPost()
	stopWatch = s.watch(bctx, watchdogGrace)
	page = s.page.Context(bctx)

	value, err := token(ctx)
	if err != nil {
		return census.Result{}, err
	}
	if _, err := page.Eval(e.site.submitJS, ced, value); err != nil {
		return census.Result{}, e.failure(ctx, bctx, s, nil, fmt.Errorf("submitting the form: %w", err))
	}

	var a answer
	select {
	case a = <-s.answers:
	case <-bctx.Done():
		return census.Result{}, e.failure(ctx, bctx, s, nil, fmt.Errorf("waiting for the answer from %s: %w", endpoint, bctx.Err()))
	}
	if a.failed != "" {
		return census.Result{}, e.failure(ctx, bctx, s, a.body, census.Fail(census.ErrTransient, nil, "the request to %s failed: %s", endpoint, a.failed))
	}
	res, err := registrar.Parse(e.site.source, ced, a.status, a.body)
	if err != nil {
		return census.Result{}, e.failure(ctx, bctx, s, a.body, err)
	}
	res.Source, res.Raw = e.site.source, string(a.body)
	return res, nil
}

// pace takes this lookup's place at the gate for lane and leaves it with
// s, whose browser holds the lane's request at its request stage until the
// turn (and ends the turn when the answer comes back or the session closes).
// It returns PaceLead before the turn, so the request is built meanwhile.
func (e *Engine) pace(ctx context.Context, s *session, lane pacing.Lane) error {
	if e.cfg.Gate == nil {
		return nil
	}
	a, err := e.cfg.Gate.WaitAhead(ctx, lane, PaceLead)
	if err != nil {
		if ctx.Err() == nil {
			return census.Fail(census.ErrTransient, err, "pacing gate refused the %s", lane)
		}
		return interrupted(ctx, "waiting for the pacing gate", err)
	}
	s.await(ctx, lane, a)
	return nil
}

// failure turns what stopped a visit into the error Lookup returns: the
// caller's cancellation stays plain; a classified error keeps its class; an
// expired lookup is ErrTimeout; anything else (the site unreachable, the
// browser in trouble) ErrTransient. What the page showed is attached as
// evidence, body being the site's raw answer if one came.
func (e *Engine) failure(ctx, bctx context.Context, s *session, body []byte, err error) error {
	if errors.Is(ctx.Err(), context.Canceled) {
		return interrupted(ctx, "looking up", err)
	}
	var le *census.LookupError
	switch {
	case errors.As(err, &le):
	case ctx.Err() != nil:
		le = census.Fail(census.ErrTimeout, err, "the caller's deadline passed")
	case bctx.Err() != nil:
		le = census.Fail(census.ErrTimeout, err, "no answer within the %s lookup timeout", e.cfg.LookupTimeout)
	default:
		le = census.Fail(census.ErrTransient, err, "browser or network trouble")
	}
	if s != nil {
		le.Evidence = e.evidence(bctx, s, body, le.Evidence)
	}
	return le
}
