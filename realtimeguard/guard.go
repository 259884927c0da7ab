// Package realtimeguard keeps PocketBase's realtime cheap enough that no
// client, anonymous or not, can slow every save down: PocketBase evaluates a
// collection rule per matching subscription inside each save, so the number
// and kind of subscriptions a client may hold is what a save costs.
package realtimeguard

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
	"github.com/pocketbase/pocketbase/tools/subscriptions"
)

// Defaults and ranges of Config, for the binary's settings and tests alike.
const (
	// MaxSubscriptionsDefault is 50 topics per connection: the web app's
	// pages hold at most five.
	MaxSubscriptionsDefault = 50
	MaxSubscriptionsMin     = 1
	MaxSubscriptionsMax     = 1000 // PocketBase's own cap
	// MaxPerIPDefault is 100 live connections per address: phones at a
	// rally share one carrier NAT address.
	MaxPerIPDefault = 100
	MaxPerIPMin     = 1
	MaxPerIPMax     = 100_000
	// MaxPerUserDefault is 10 live subscribed connections per account:
	// tabs and devices of one person.
	MaxPerUserDefault = 10
	MaxPerUserMin     = 1
	MaxPerUserMax     = 1000
)

// Config bounds what realtime clients may hold; the zero value of each field
// means its default.
type Config struct {
	// MaxSubscriptions is how many topics one connection may subscribe to.
	// Default MaxSubscriptionsDefault (50).
	MaxSubscriptions int
	// MaxPerIP is how many realtime connections one address may keep open.
	// Default MaxPerIPDefault (100).
	MaxPerIP int
	// MaxPerUser is how many connections of one account may hold
	// subscriptions at once. Default MaxPerUserDefault (10).
	MaxPerUser int
}

// Validate reports a field outside its range, so a guard built in code is
// checked like one built from flags.
func (c Config) Validate() error {
	for _, f := range []struct {
		name      string
		v, lo, hi int
	}{
		{"MaxSubscriptions", c.MaxSubscriptions, MaxSubscriptionsMin, MaxSubscriptionsMax},
		{"MaxPerIP", c.MaxPerIP, MaxPerIPMin, MaxPerIPMax},
		{"MaxPerUser", c.MaxPerUser, MaxPerUserMin, MaxPerUserMax},
	} {
		if f.v != 0 && (f.v < f.lo || f.v > f.hi) {
			return fmt.Errorf("realtimeguard: %s %d out of range %d..%d", f.name, f.v, f.lo, f.hi)
		}
	}
	return nil
}

func (c Config) withDefaults() Config {
	if c.MaxSubscriptions == 0 {
		c.MaxSubscriptions = MaxSubscriptionsDefault
	}
	if c.MaxPerIP == 0 {
		c.MaxPerIP = MaxPerIPDefault
	}
	if c.MaxPerUser == 0 {
		c.MaxPerUser = MaxPerUserDefault
	}
	return c
}

// Bind guards app's realtime endpoints: anonymous clients may subscribe to
// no collection (only to topics that cost a save nothing, like PB_CONNECT);
// a connection holds at most MaxSubscriptions topics, each topic (a
// collection's wildcard or one record) once whatever its options; an address keeps at
// most MaxPerIP connections and an account subscribes from at most
// MaxPerUser. Superusers are not limited.
func Bind(app core.App, cfg Config) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	cfg = cfg.withDefaults()
	app.OnRealtimeConnectRequest().BindFunc(func(e *core.RealtimeConnectRequestEvent) error {
		ip := e.RealIP()
		n := count(e.App, func(c subscriptions.Client) bool {
			got, _ := c.Get(apis.RealtimeClientIPKey).(string)
			return got == ip
		})
		if n >= cfg.MaxPerIP {
			return errTooManyConnections()
		}
		return e.Next()
	})
	app.OnRealtimeSubscribeRequest().BindFunc(func(e *core.RealtimeSubscribeRequestEvent) error {
		if e.HasSuperuserAuth() {
			return e.Next()
		}
		if err := checkTopics(e.App, e.Auth, e.Subscriptions, cfg.MaxSubscriptions); err != nil {
			return err
		}
		if e.Auth != nil && len(e.Subscriptions) > 0 {
			id, self := e.Auth.Id, e.Client.Id()
			n := count(e.App, func(c subscriptions.Client) bool {
				auth, _ := c.Get(apis.RealtimeClientAuthKey).(*core.Record)
				return c.Id() != self && auth != nil && auth.Id == id && len(c.Subscriptions()) > 0
			})
			if n >= cfg.MaxPerUser {
				return errTooManyConnections()
			}
		}
		return e.Next()
	})
	return nil
}

// checkTopics refuses a subscription list that would cost saves more than
// a page of the web app ever needs.
func checkTopics(app core.App, auth *core.Record, topics []string, most int) *router.ApiError {
	if len(topics) > most {
		return apiError(http.StatusBadRequest, "too_many_subscriptions",
			fmt.Sprintf("Demasiadas suscripciones en vivo en una conexión (máximo %d).", most))
	}
	seen := map[string]bool{}
	for _, topic := range topics {
		name, rest, _ := strings.Cut(strings.SplitN(topic, "?", 2)[0], "/")
		col, err := app.FindCachedCollectionByNameOrId(name)
		if err != nil {
			continue // not a collection: a custom topic costs a save nothing
		}
		if auth == nil {
			return apiError(http.StatusForbidden, "realtime_auth_required",
				"Inicia sesión para recibir actualizaciones en vivo.")
		}
		// Each topic once, whatever its options: PocketBase checks a rule
		// per subscription, so the same record (or list) under many
		// options would multiply every save's cost.
		key := col.Id + "/" + rest
		if rest == "" {
			key = col.Id + "/*" // the deprecated bare topic is the wildcard
		}
		if seen[key] {
			return apiError(http.StatusBadRequest, "duplicate_subscription",
				"Cada suscripción en vivo puede pedirse una sola vez por conexión ("+col.Name+").")
		}
		seen[key] = true
	}
	return nil
}

// count walks the broker's clients; subscribing and connecting are rare
// next to saves, so an O(clients) walk there is cheap.
func count(app core.App, match func(subscriptions.Client) bool) int {
	n := 0
	for _, chunk := range app.SubscriptionsBroker().ChunkedClients(500) {
		for _, c := range chunk {
			if !c.IsDiscarded() && match(c) {
				n++
			}
		}
	}
	return n
}

func errTooManyConnections() *router.ApiError {
	return apiError(http.StatusTooManyRequests, "too_many_realtime_connections",
		"Hay demasiadas conexiones en vivo abiertas. Cierra otras pestañas o espera un momento.")
}

// apiError is PocketBase's error body with a Spanish message for people and
// an English data.code for scripts.
func apiError(status int, code, message string) *router.ApiError {
	return &router.ApiError{Status: status, Message: message, Data: map[string]any{"code": code}}
}
