package scraper

import (
	"context"

	"github.com/padron/padron/pacing"
)

// Gate paces traffic to the registrar where the registrar sees it, one
// request at a time per lane (*pacing.Gate is the server's). Wait blocks
// until this lookup's request of the lane may go: its page load, right
// before the navigation, and its form post, right before the submit (so
// solving the captcha runs ahead of the pace). The done it returns is called
// when the request's answer came back, or when the lookup's browser context
// is gone, since the gap to the lane's next request counts from there. A nil
// Gate lets every request through at once.
type Gate interface {
	Wait(ctx context.Context, lane pacing.Lane) (done func(), err error)
}
