package routes

import (
	"net/http"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/subscriptions"
)

// mayReceive tells whether one subscriber (its auth, nil when anonymous,
// and its subscription's options) may receive an event about a record.
type mayReceive func(auth *core.Record, opts subscriptions.SubscriptionOptions) bool

// liveAccess decides who receives an event about record under rule (the
// collection's rule as stored now, read at event time). While rule is the
// shipped one, which the feed knows as shipped, the answer is fast: a
// check computed once per event (fast), with PocketBase's own superuser
// pass, and no query per subscriber. Otherwise (a superuser edited the rule
// in the dashboard) each subscriber is asked through PocketBase's rule
// engine, as its realtime API asks for saved records: the feed follows any
// rule, at one query per subscriber.
func liveAccess(app core.App, record *core.Record, rule *string, shipped string, fast func(auth *core.Record) bool) mayReceive {
	if isShipped(rule, shipped) {
		return func(auth *core.Record, _ subscriptions.SubscriptionOptions) bool {
			return auth != nil && (auth.IsSuperuser() || fast(auth))
		}
	}
	return func(auth *core.Record, opts subscriptions.SubscriptionOptions) bool {
		req := &core.RequestInfo{
			Context: core.RequestInfoContextRealtime,
			Method:  http.MethodGet,
			Query:   opts.Query,
			Headers: opts.Headers,
			Auth:    auth,
		}
		ok, _ := app.CanAccessRecord(record, req, rule)
		return ok
	}
}

// isShipped says whether a stored rule is the one the feed knows: nil
// (superusers only) and "" (everyone) never are.
func isShipped(rule *string, shipped string) bool {
	return rule != nil && shipped != "" && *rule == shipped
}
