package scraper

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/go-rod/rod"

	"github.com/padron/padron/census"
	"github.com/padron/padron/registrar"
)

// Form readiness polling: how often, and how long after the document
// finished loading a script-rendered form may still take to appear.
const (
	formPollInterval = 15 * time.Millisecond
	formRenderGrace  = 2 * time.Second
)

// site is what differs between the two registrar sites: where the form is,
// what it must contain, how to fill it and which request carries the answer.
type site struct {
	source    census.Source
	pageURL   string
	answerURL string // the endpoint whose POST reply is the answer; "" = the page's own URL
	inspectJS string // () => formState
	submitJS  string // (cedula, token) => void: fill and click, as a person would
}

// formState is what inspectJS reports about the loaded page.
type formState struct {
	Parsed  bool     `json:"parsed"` // document.readyState is past "loading"
	Href    string   `json:"href"`
	Missing []string `json:"missing"` // required elements not found
	SiteKey string   `json:"sitekey"`
	Status  int      `json:"-"` // the page's HTTP status, when it came without a form
	Blocked bool     `json:"-"` // the firewall's block page came instead
}

// commonJS holds helpers both sites' scripts share: setting a value the way
// typing does (frameworks listen for input events) and dropping the token
// where reCAPTCHA keeps it.
const commonJS = `
const setValue = (el, v) => {
	const d = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(el), 'value');
	if (d && d.set) d.set.call(el, v); else el.value = v;
	el.dispatchEvent(new Event('input', {bubbles: true}));
	el.dispatchEvent(new Event('change', {bubbles: true}));
};
const setToken = (token) => {
	document.querySelectorAll('textarea[name="g-recaptcha-response"]').forEach((t) => { t.value = token; t.innerHTML = token; });
	if (window.grecaptcha && typeof window.grecaptcha.getResponse === 'function') window.grecaptcha.getResponse = () => token;
};
const state = (required) => {
	const missing = Object.keys(required).filter((name) => !required[name]());
	const widget = document.querySelector('.g-recaptcha[data-sitekey]');
	return JSON.stringify({
		parsed: document.readyState !== 'loading',
		href: location.href,
		missing: missing,
		sitekey: widget ? widget.getAttribute('data-sitekey') : '',
	});
};
`

// awaitForm polls the page until it is parsed with its form complete, the
// firewall's block page or an HTTP error page shows, or the form still lacks
// something formRenderGrace after parsing (scripts may render it later).
// status reports the page's HTTP status.
func (st site) awaitForm(ctx context.Context, page *rod.Page, status func() int) (formState, error) {
	var checked string // the document last checked for a block or error page
	var parsedAt time.Time
	tick := time.NewTicker(formPollInterval)
	defer tick.Stop()
	for {
		obj, err := page.Context(ctx).Eval(st.inspectJS)
		if err != nil {
			return formState{}, fmt.Errorf("inspecting the form: %w", err)
		}
		var fs formState
		if err := json.Unmarshal([]byte(obj.Value.Str()), &fs); err != nil {
			return formState{}, fmt.Errorf("reading the form state: %w", err)
		}
		// Until the document is parsed, the form's script may not listen
		// yet, and a click would post the form natively instead of through
		// it. Subresources (the reCAPTCHA iframes) need not have loaded.
		if fs.Parsed && len(fs.Missing) == 0 {
			return fs, nil
		}
		if fs.Parsed {
			// Parsed without the form: a block or error page never grows
			// one. Checked once per document (the first may still be the
			// blank page the navigation started from).
			if fs.Href != checked {
				checked, parsedAt = fs.Href, time.Now()
				html, err := page.Context(ctx).HTML()
				if err != nil {
					return formState{}, fmt.Errorf("reading the page: %w", err)
				}
				if registrar.IsBlockPage([]byte(html)) {
					fs.Blocked = true
					return fs, nil
				}
				if fs.Status = status(); fs.Status >= 400 {
					return fs, nil // an error page never grows a form either
				}
			} else if time.Since(parsedAt) >= formRenderGrace {
				return fs, nil
			}
		}
		select {
		case <-ctx.Done():
			return formState{}, fmt.Errorf("waiting for the form: %w", ctx.Err())
		case <-tick.C:
		}
	}
}

// missing describes the absent elements for an ErrSiteChanged message.
func (fs formState) missing() string { return strings.Join(fs.Missing, ", ") }
