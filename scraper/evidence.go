package scraper

import (
	"context"
	"strings"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/proto"

	"github.com/padron/padron/census"
)

// evidenceSettle bounds the wait for a reloading page before capturing it.
const evidenceSettle = time.Second

// evidenceRetry spaces reads of a page whose document was being replaced.
const evidenceRetry = 50 * time.Millisecond

// evidence records what the page showed when a lookup failed: its final
// URL, HTML and (unless SkipScreenshots) a PNG, plus the site's raw answer.
// It runs on its own short budget, since the lookup's may be spent, and
// keeps whatever an earlier stage (the parser) already recorded.
func (e *Engine) evidence(bctx context.Context, s *session, body []byte, ev *census.Evidence) *census.Evidence {
	if ev == nil {
		ev = &census.Evidence{}
	}
	if ev.Response == "" && body != nil {
		ev.Response = string(body)
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(bctx), evidenceTimeout)
	defer cancel()
	ev.HTML = settledHTML(ctx, s.page)
	page := s.page.Context(ctx)
	if info, err := (proto.TargetGetTargetInfo{TargetID: s.page.TargetID}).Call(s.browser.rod.Context(ctx)); err == nil {
		ev.URL = info.TargetInfo.URL
	}
	if !e.cfg.SkipScreenshots {
		png, err := page.Screenshot(false, &proto.PageCaptureScreenshot{Format: proto.PageCaptureScreenshotFormatPng})
		if err == nil {
			ev.Screenshot = png
		}
	}
	return ev
}

// settledHTML reads the page's HTML once a reload or rewrite the site's
// answer triggered has settled (a hung page is read as it is). A reload
// that replaces the document mid-read fails the read, so it is retried
// until ctx ends; "" means no document could be read in time.
func settledHTML(ctx context.Context, page *rod.Page) string {
	for {
		settle, stop := context.WithTimeout(ctx, evidenceSettle)
		_ = page.Context(settle).WaitLoad()
		stop()
		html, err := page.Context(ctx).HTML()
		if err == nil && strings.TrimSpace(html) != "" {
			return html
		}
		select {
		case <-ctx.Done():
			return ""
		case <-time.After(evidenceRetry):
		}
	}
}
