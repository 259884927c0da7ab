package scraper

import (
	"context"
	"time"

	"github.com/go-rod/rod/lib/proto"
)

// evidenceSettle bounds the wait for a reloading page before capturing it.
const evidenceSettle = time.Second

// evidence records what the page showed when a lookup failed: its final
// URL, HTML and (unless SkipScreenshots) a PNG, plus the site's raw answer.
// It runs on its own short budget, since the lookup's may be spent, and
// keeps whatever an earlier stage (the parser) already recorded.
func (e *Engine) evidence(bctx context.Context, s *session, body []byte, ev *Evidence) *Evidence {
	if ev == nil {
		ev = &Evidence{}
	}
	if ev.Response == "" && body != nil {
		ev.Response = string(body)
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(bctx), evidenceTimeout)
	defer cancel()
	// A page the site's answer made reload or rewrite itself is captured
	// once it has settled; a hung one as it is.
	settle, stop := context.WithTimeout(ctx, evidenceSettle)
	_ = s.page.Context(settle).WaitLoad()
	stop()
	page := s.page.Context(ctx)
	if info, err := (proto.TargetGetTargetInfo{TargetID: s.page.TargetID}).Call(s.browser.rod.Context(ctx)); err == nil {
		ev.URL = info.TargetInfo.URL
	}
	if html, err := page.HTML(); err == nil {
		ev.HTML = html
	}
	if !e.cfg.SkipScreenshots {
		png, err := page.Screenshot(false, &proto.PageCaptureScreenshot{Format: proto.PageCaptureScreenshotFormatPng})
		if err == nil {
			ev.Screenshot = png
		}
	}
	return ev
}
