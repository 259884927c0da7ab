package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(upRateLimitTags, downRateLimitTags)
}

// rateLimitRelabel moves one limit from a path label to a collection-action
// tag, keeping whatever numbers an admin gave it.
type rateLimitRelabel struct {
	path, tag   string
	maxRequests int
	duration    int64
}

// rateLimitRelabels label the login and registration limits with PocketBase's
// collection-action tags. PocketBase keeps one limiter per collection and
// route and creates it with the rule of the first request it sees; a path
// label matched only "/api/collections/users/...", so one request on the
// collection's id (or "USERS") created that limiter with the general "/api/"
// rule for every spelling until restart. A tag is matched by the collection
// whatever the path said. "users:auth" covers every way to log in
// (password, OTP, OAuth2).
var rateLimitRelabels = []rateLimitRelabel{
	{path: "POST /api/collections/users/auth-with-password", tag: "users:auth", maxRequests: 20, duration: 60},
	{path: "POST /api/collections/users/records", tag: "users:create", maxRequests: 30, duration: 60},
}

func upRateLimitTags(app core.App) error {
	settings := app.Settings()
	for _, r := range rateLimitRelabels {
		settings.RateLimits.Rules = relabelRule(settings.RateLimits.Rules, r.path, r.tag,
			core.RateLimitRule{Label: r.tag, MaxRequests: r.maxRequests, Duration: r.duration})
	}
	return app.Save(settings)
}

func downRateLimitTags(app core.App) error {
	settings := app.Settings()
	for _, r := range rateLimitRelabels {
		settings.RateLimits.Rules = relabelRule(settings.RateLimits.Rules, r.tag, r.path,
			core.RateLimitRule{Label: r.path, MaxRequests: r.maxRequests, Duration: r.duration})
	}
	return app.Save(settings)
}

// relabelRule renames the rules labelled from to to (keeping their limits
// and audience). If there is none and no rule is labelled to yet, it puts
// fallback first, so the limit exists whatever the dashboard did to it.
// A leftover rule labelled from next to an existing to is dropped: it would
// never be the one that applies.
func relabelRule(rules []core.RateLimitRule, from, to string, fallback core.RateLimitRule) []core.RateLimitRule {
	hasTo := map[string]bool{} // by audience
	for _, r := range rules {
		if r.Label == to {
			hasTo[r.Audience] = true
		}
	}
	out := make([]core.RateLimitRule, 0, len(rules)+1)
	found := len(hasTo) > 0
	for _, r := range rules {
		if r.Label == from {
			if hasTo[r.Audience] {
				continue
			}
			r.Label = to
			hasTo[r.Audience] = true
			found = true
		}
		out = append(out, r)
	}
	if !found {
		out = append([]core.RateLimitRule{fallback}, out...)
	}
	return out
}
