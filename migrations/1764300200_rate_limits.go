package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"

	"github.com/padron/padron/schema"
)

func init() {
	m.Register(upRateLimits, downRateLimits)
}

// RateLimitRules are PocketBase's per-IP limits for Padrón's endpoints and
// auth. Order matters: PocketBase takes the first matching prefix rule, so
// the specific prefixes come before the catch-all "/api/". Auth and
// registration are labelled by path (no "*:auth"/"*:create" rule, which
// PocketBase would match first). Superusers are never limited.
// 1764300300_rate_limit_tags relabels auth and registration with tags.
var RateLimitRules = []core.RateLimitRule{
	// Password guessing: 20 logins a minute per IP still lets a rally share
	// one mobile carrier's NAT.
	{Label: "POST /api/collections/users/auth-with-password", MaxRequests: 20, Duration: 60},
	{Label: "_superusers:auth", MaxRequests: 5, Duration: 60},
	// Registration: a leader signing people up at an event, not a bot.
	{Label: "POST /api/collections/users/records", MaxRequests: 30, Duration: 60},
	// Referral code lookups: enough for a registration page, too few to
	// enumerate codes.
	{Label: "/api/referrals/", MaxRequests: 30, Duration: 60},
	// A bulk refresh queues up to 500 checks: a few a minute is plenty.
	{Label: "POST /api/census/bulk-refresh", MaxRequests: 6, Duration: 60},
	{Label: "/api/census/", MaxRequests: 60, Duration: 60},
	// Stats and the CSV export read a leader's whole network.
	{Label: "/api/referidos/", MaxRequests: 30, Duration: 60},
	// PocketBase's defaults for the rest.
	{Label: "/api/batch", MaxRequests: 3, Duration: 1},
	{Label: "/api/", MaxRequests: 300, Duration: 10},
}

// upRateLimits turns PocketBase's rate limiter on with RateLimitRules, and
// adds the index the referidos list, stats and export walk: a leader's
// referidos in registration order.
func upRateLimits(app core.App) error {
	settings := app.Settings()
	settings.RateLimits.Enabled = true
	settings.RateLimits.Rules = append([]core.RateLimitRule(nil), RateLimitRules...)
	if err := app.Save(settings); err != nil {
		return err
	}
	users, err := app.FindCollectionByNameOrId(schema.UsersCollection)
	if err != nil {
		return err
	}
	users.AddIndex("idx_users_referred_by_created", false, "referred_by, created", "")
	return app.Save(users)
}

func downRateLimits(app core.App) error {
	users, err := app.FindCollectionByNameOrId(schema.UsersCollection)
	if err != nil {
		return err
	}
	users.RemoveIndex("idx_users_referred_by_created")
	if err := app.Save(users); err != nil {
		return err
	}
	settings := app.Settings()
	settings.RateLimits.Enabled = false
	return app.Save(settings)
}
