package scraper

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/proto"
	"github.com/go-rod/stealth"

	"github.com/padron/padron/pacing"
)

// disposeTimeout bounds tearing down one lookup's incognito context.
const disposeTimeout = 5 * time.Second

// place is a lane's place at the gate, taken before its request exists;
// ctx is the lookup's, which bounds the wait for the turn.
type place struct {
	ahead *pacing.Ahead
	ctx   context.Context
}

// answer is the site's reply to the form, as the page's own script got it.
type answer struct {
	status int
	body   []byte
	failed string // network error reason ("Failed", "ConnectionRefused"...) if no reply came
}

// session is one lookup's incognito context and page. The site's AJAX reply
// is caught by pausing it at the response stage (CDP Fetch domain), so the
// body is read before the page's script can react to it (a reload would
// discard it otherwise).
type session struct {
	browser *browser
	ctxID   proto.BrowserBrowserContextID
	page    *rod.Page

	mu         sync.Mutex // guards page while opening, and target
	target     *url.URL   // the endpoint whose POST reply we want
	answers    chan answer
	pageStatus atomic.Int32     // HTTP status of the latest main-frame document
	turns      [2]func()        // the gate's turns out, by lane, until their answer (guarded by mu)
	places     [2]place         // the gate's places taken, by lane, until the request comes (guarded by mu)
	held       [2]time.Duration // how long each lane's request waited in the browser for its turn (guarded by mu)
	closed     bool             // no turn may be held any more (guarded by mu)
	loads      int              // main-frame page loads let go (intercept's goroutine only)
	posts      int              // answer posts let go (intercept's goroutine only)

	dispose sync.Once
}

// openSession creates a fresh incognito context with one page dressed as a
// Colombian desktop Chrome. ctx bounds the opening only: the page lives
// until close (or the browser's end), so evidence can still be read from it
// after the lookup's deadline.
func openSession(ctx context.Context, b *browser, ua userAgent) (*session, error) {
	inc, err := b.rod.Context(ctx).Incognito()
	if err != nil {
		if ctx.Err() == nil {
			b.broken.Store(true) // a healthy browser always gives a context
		}
		return nil, fmt.Errorf("creating incognito context: %w", err)
	}
	s := &session{browser: b, ctxID: inc.BrowserContextID, answers: make(chan answer, 1)}
	stop := s.watch(ctx, 0) // a hung opening is cut short by closing it
	err = s.preparePage(inc.Context(b.rod.GetContext()), ua)
	stop()
	if err == nil && ctx.Err() != nil {
		err = fmt.Errorf("opening page: %w", ctx.Err())
	}
	if err != nil {
		s.close()
		return nil, err
	}
	return s, nil
}

// preparePage opens the page with stealth, the UA/language/timezone
// overrides and response interception for AJAX requests.
func (s *session) preparePage(inc *rod.Browser, ua userAgent) error {
	page, err := stealth.Page(inc) // hides navigator.webdriver and friends
	if err != nil {
		return fmt.Errorf("opening page: %w", err)
	}
	s.mu.Lock()
	s.page = page // close may run meanwhile, from openSession's watch
	s.mu.Unlock()
	steps := []struct {
		what string
		req  interface{ Call(proto.Client) error }
	}{
		{"user agent", ua.override()},
		{"timezone", proto.EmulationSetTimezoneOverride{TimezoneID: "America/Bogota"}},
		{"locale", proto.EmulationSetLocaleOverride{Locale: "es-CO"}},
	}
	for _, st := range steps {
		if err := st.req.Call(page); err != nil {
			return fmt.Errorf("setting %s: %w", st.what, err)
		}
	}
	events := page.Event() // subscribe before anything can be paused
	// Documents too: should the form ever post natively (no script), the
	// answer arrives as a page instead of an AJAX reply. Requests are
	// paused too: the page load and the form post wait there for their turn at
	// the gate, and none the gate did not pace reaches the site (admit).
	err = proto.FetchEnable{Patterns: []*proto.FetchRequestPattern{
		{ResourceType: proto.NetworkResourceTypeXHR, RequestStage: proto.FetchRequestStageRequest},
		{ResourceType: proto.NetworkResourceTypeFetch, RequestStage: proto.FetchRequestStageRequest},
		{ResourceType: proto.NetworkResourceTypeDocument, RequestStage: proto.FetchRequestStageRequest},
		{ResourceType: proto.NetworkResourceTypeXHR, RequestStage: proto.FetchRequestStageResponse},
		{ResourceType: proto.NetworkResourceTypeFetch, RequestStage: proto.FetchRequestStageResponse},
		{ResourceType: proto.NetworkResourceTypeDocument, RequestStage: proto.FetchRequestStageResponse},
	}}.Call(page)
	if err != nil {
		return fmt.Errorf("enabling response interception: %w", err)
	}
	go s.intercept(events)
	return nil
}

// expect names the endpoint whose POST reply the lookup waits for.
func (s *session) expect(endpoint string) error {
	u, err := url.Parse(endpoint)
	if err != nil {
		return fmt.Errorf("answer endpoint %q: %w", endpoint, err)
	}
	s.mu.Lock()
	s.target = u
	s.mu.Unlock()
	return nil
}

// intercept handles every paused request and reply until the page goes
// away. A request goes on at once, or at its turn at the gate if it is the
// lookup's page load or form post, unless the gate did not pace it (admit). A reply:
// it notes the page's own HTTP status, keeps the first POST reply from the
// expected endpoint, ends the gate's turn of each (the site saw the
// request), and lets all of them go on to the page.
func (s *session) intercept(events <-chan *rod.Message) {
	for msg := range events {
		var e proto.FetchRequestPaused
		if !msg.Load(&e) {
			continue
		}
		if e.ResponseStatusCode == nil && e.ResponseErrorReason == "" { // request stage
			lane, paced, refused := s.admit(&e)
			if refused {
				if e.ResourceType == proto.NetworkResourceTypeDocument {
					// A page load (the reload an answer asks for) gets a
					// local page: the tab stays a readable document for the
					// evidence, where a failed load left an error page that
					// could hang the screenshot past its budget.
					_ = proto.FetchFulfillRequest{RequestID: e.RequestID, ResponseCode: 200,
						ResponseHeaders: []*proto.FetchHeaderEntry{{Name: "Content-Type", Value: "text/html; charset=utf-8"}},
						Body:            []byte(heldBackPage)}.Call(s.page)
					continue
				}
				_ = proto.FetchFailRequest{RequestID: e.RequestID, ErrorReason: proto.NetworkErrorReasonBlockedByClient}.Call(s.page)
				continue
			}
			if paced {
				if p, ok := s.takePlace(lane); ok {
					go s.sendAtTurn(p, lane, e.RequestID) // held here until the gate's turn
					continue
				}
			}
			_ = proto.FetchContinueRequest{RequestID: e.RequestID}.Call(s.page)
			continue
		}
		if e.ResourceType == proto.NetworkResourceTypeDocument && e.FrameID == s.page.FrameID {
			if e.ResponseStatusCode != nil {
				s.pageStatus.Store(int32(*e.ResponseStatusCode))
			}
			s.answered(pacing.PageLoad)
		}
		if s.wanted(e.Request) {
			a := answer{failed: string(e.ResponseErrorReason)}
			if e.ResponseStatusCode != nil {
				a.status = *e.ResponseStatusCode
			}
			if a.failed == "" {
				a.body, a.failed = s.body(e.RequestID)
			}
			s.answered(pacing.FormPost)
			select {
			case s.answers <- a:
			default: // a second submit; the first reply counts
			}
		}
		_ = proto.FetchContinueRequest{RequestID: e.RequestID}.Call(s.page)
	}
}

// heldBackPage is what a page load the gate did not pace shows instead of
// the site: no request reaches the registrar, and the evidence says why.
const heldBackPage = `<!doctype html><html lang="es"><head><meta charset="utf-8"><title>Padrón</title></head>` +
	`<body><p>Padrón did not send this page load to the registrar: one lookup loads the page once, ` +
	`at the pacing gap (the answer asked for a reload).</p></body></html>`

// admit sorts a paused request: paced is true for this lookup's page load
// (the first main-frame one) and its form post (the first POST to the
// expected endpoint), of lane. refused is true for one the gate did not
// pace: a lookup loads its page once and posts its form once, so a second
// main-frame page load (a reload the answer asked for) or a second post to
// the answer endpoint is refused. A redirect continues the load that
// caused it.
func (s *session) admit(e *proto.FetchRequestPaused) (lane pacing.Lane, paced, refused bool) {
	switch {
	case e.RedirectedRequestID != "":
		return 0, false, false
	case s.wanted(e.Request):
		s.posts++
		return pacing.FormPost, s.posts == 1, s.posts > 1
	case e.ResourceType == proto.NetworkResourceTypeDocument && e.FrameID == s.page.FrameID:
		s.loads++
		return pacing.PageLoad, s.loads == 1, s.loads > 1
	}
	return 0, false, false
}

// await leaves the gate's place for lane with the session: the lane's
// request, when the browser pauses it, waits there for the turn.
func (s *session) await(ctx context.Context, lane pacing.Lane, a *pacing.Ahead) {
	s.mu.Lock()
	closed := s.closed
	if !closed {
		s.places[lane] = place{ahead: a, ctx: ctx}
	}
	s.mu.Unlock()
	if closed {
		a.Cancel()
	}
}

// heldFor is how long the lane's request waited in the browser for its
// turn: gate time, not the lookup's.
func (s *session) heldFor(lane pacing.Lane) time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.held[lane]
}

// takePlace hands the lane's place to its request, once.
func (s *session) takePlace(lane pacing.Lane) (place, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.places[lane]
	s.places[lane] = place{}
	return p, p.ahead != nil
}

// sendAtTurn lets the paused request id go at its turn at the gate, and
// keeps the turn until its answer; if the lookup gives up first, the
// request never leaves the browser.
func (s *session) sendAtTurn(p place, lane pacing.Lane, id proto.FetchRequestID) {
	start := time.Now()
	done, err := p.ahead.Release(p.ctx)
	s.mu.Lock()
	s.held[lane] = time.Since(start)
	s.mu.Unlock()
	if err != nil {
		_ = proto.FetchFailRequest{RequestID: id, ErrorReason: proto.NetworkErrorReasonBlockedByClient}.Call(s.page)
		return
	}
	s.hold(lane, done)
	_ = proto.FetchContinueRequest{RequestID: id}.Call(s.page)
}

// hold keeps the gate's turn for lane until its answer comes back or the
// session closes.
func (s *session) hold(lane pacing.Lane, done func()) {
	s.mu.Lock()
	closed := s.closed
	if !closed {
		s.turns[lane] = done
	}
	s.mu.Unlock()
	if closed {
		done()
	}
}

// answered ends the gate's turn for lane, if one is out.
func (s *session) answered(lane pacing.Lane) {
	s.mu.Lock()
	done := s.turns[lane]
	s.turns[lane] = nil
	s.mu.Unlock()
	if done != nil {
		done()
	}
}

// body reads a paused reply's body.
func (s *session) body(id proto.FetchRequestID) ([]byte, string) {
	res, err := proto.FetchGetResponseBody{RequestID: id}.Call(s.page)
	if err != nil {
		return nil, "reading body: " + err.Error()
	}
	if !res.Base64Encoded {
		return []byte(res.Body), ""
	}
	b, err := base64.StdEncoding.DecodeString(res.Body)
	if err != nil {
		return nil, "decoding body: " + err.Error()
	}
	return b, ""
}

// wanted reports whether req is the form's POST to the expected endpoint.
func (s *session) wanted(req *proto.NetworkRequest) bool {
	if req == nil || req.Method != "POST" {
		return false
	}
	s.mu.Lock()
	t := s.target
	s.mu.Unlock()
	u, err := url.Parse(req.URL)
	return t != nil && err == nil && sameEndpoint(t, u)
}

// sameEndpoint compares scheme, host and path, ignoring query, fragment and
// a trailing slash, so a redirect's cosmetic changes do not lose the answer.
func sameEndpoint(a, b *url.URL) bool {
	return strings.EqualFold(a.Scheme, b.Scheme) && strings.EqualFold(a.Host, b.Host) &&
		strings.TrimSuffix(a.EscapedPath(), "/") == strings.TrimSuffix(b.EscapedPath(), "/")
}

// watch closes the session if the lookup outlives ctx by grace: closing the
// page unblocks Rod calls that ignore their context. It returns the function
// that stops the watch once the lookup is over.
func (s *session) watch(ctx context.Context, grace time.Duration) (stop func()) {
	done := make(chan struct{})
	var once sync.Once
	go func() {
		select {
		case <-done:
			return
		case <-ctx.Done():
		}
		t := time.NewTimer(grace)
		defer t.Stop()
		select {
		case <-done:
		case <-t.C:
			s.close()
		}
	}()
	return func() { once.Do(func() { close(done) }) }
}

// close disposes of the incognito context, closing its page, and then ends
// the gate's turns still out: nothing more of this lookup can reach the
// site. Safe to call more than once and from the watchdog.
func (s *session) close() {
	s.dispose.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), disposeTimeout)
		defer cancel()
		_ = proto.TargetDisposeBrowserContext{BrowserContextID: s.ctxID}.Call(s.browser.rod.Context(ctx))
		s.mu.Lock()
		page := s.page
		s.closed = true
		s.mu.Unlock()
		if page != nil {
			s.browser.rod.RemoveState(page.TargetID) // Rod caches every page it opened
		}
		for lane := range s.places {
			if p, ok := s.takePlace(pacing.Lane(lane)); ok {
				p.ahead.Cancel() // its request never came: the gap holds around it
			}
		}
		s.answered(pacing.PageLoad)
		s.answered(pacing.FormPost)
	})
}
