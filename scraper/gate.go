package scraper

import "context"

// Gate paces traffic to the registrar where the registrar sees it. Wait
// blocks until this lookup may send its first request (after its captcha is
// solved, so solving runs ahead of the pace); the done it returns must be
// called once the lookup sends nothing more (its browser context is gone),
// since the gap to the next lookup counts from there. A nil Gate lets every
// lookup through at once.
type Gate interface {
	Wait(ctx context.Context) (done func(), err error)
}
