package scraper

import (
	"context"
	"time"

	"github.com/padron/padron/pacing"
)

// PaceLead is how long before its turn at the Gate a lookup starts sending
// its page load or its form post: the request is built meanwhile (the
// navigation, or the captcha token, the filled form and its submit) and
// held in the browser where it is about to leave (Chromium's request
// stage) until the turn, so it reaches the wire at the gap's boundary and
// not one build later. Longer than building either takes on a busy
// machine; a request held so is kept by the browser, not sent.
const PaceLead = 500 * time.Millisecond

// Gate paces traffic to the registrar where the registrar sees it, one
// request at a time per lane (*pacing.Gate is the server's). WaitAhead
// takes this lookup's place for the lane's request (its page load, right
// before the navigation; its form post, right before the token and the
// submit) and returns lead before the turn; the browser holds the request
// at its request stage and Ahead.Release lets it go at the turn. The turn's
// done is called when the request's answer came back, or when the lookup's
// browser context is gone, since the gap to the lane's next request counts
// from there. A nil Gate lets every request through at once.
type Gate interface {
	WaitAhead(ctx context.Context, lane pacing.Lane, lead time.Duration) (*pacing.Ahead, error)
}
