package scraper

import "context"

// Gate is consulted right before a lookup touches the registrar (after the
// captcha is solved), so callers can pace traffic to the site while captcha
// solving runs ahead. A nil Gate lets every lookup through at once.
type Gate interface {
	Wait(ctx context.Context) error
}
