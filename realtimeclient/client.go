// Package realtimeclient makes a realtime broadcast cheap for the clients
// it does not concern. PocketBase's broadcast asks every connected client
// for its subscriptions under six topic prefixes per saved record, and its
// default client answers each question with a new map, even an empty one:
// with 1,000 clients that was two thirds of a census save's broadcast.
// The client here keeps its topics in a slice as well and answers "none"
// without allocating.
package realtimeclient

import (
	"slices"
	"strings"
	"sync"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/subscriptions"
)

// HookID names the connect handler, so a test or a bench can unbind it and
// compare with PocketBase's own client.
const HookID = "padronRealtimeClient"

// Bind gives every realtime connection the cheap-to-match client, before
// PocketBase registers it with the broker.
func Bind(app core.App) {
	app.OnRealtimeConnectRequest().Bind(&hook.Handler[*core.RealtimeConnectRequestEvent]{
		Id: HookID,
		Func: func(e *core.RealtimeConnectRequestEvent) error {
			if _, ok := e.Client.(*Client); !ok {
				e.Client = Wrap(e.Client)
			}
			return e.Next()
		},
	})
}

// Client is a subscriptions.Client that also keeps its topics in a slice
// (at most a few per client), so a question about topics it does not hold
// costs a few string comparisons and no allocation.
type Client struct {
	subscriptions.Client

	mu     sync.RWMutex
	topics []string // the topics as subscribed, options included
}

// Wrap returns c with the cheap "none" answer; c's current topics are kept.
func Wrap(c subscriptions.Client) *Client {
	w := &Client{Client: c}
	for topic := range c.Subscriptions() {
		w.topics = append(w.topics, topic)
	}
	return w
}

// Subscribe implements subscriptions.Client.
func (c *Client) Subscribe(subs ...string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.Client.Subscribe(subs...)
	for _, s := range subs {
		if s != "" && !slices.Contains(c.topics, s) {
			c.topics = append(c.topics, s)
		}
	}
}

// Unsubscribe implements subscriptions.Client (no topics: all of them).
func (c *Client) Unsubscribe(subs ...string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.Client.Unsubscribe(subs...)
	if len(subs) == 0 {
		c.topics = nil
		return
	}
	c.topics = slices.DeleteFunc(c.topics, func(t string) bool { return slices.Contains(subs, t) })
}

// Subscriptions implements subscriptions.Client: nil when no topic matches
// any prefix, else the wrapped client's answer.
func (c *Client) Subscriptions(prefixes ...string) map[string]subscriptions.SubscriptionOptions {
	if len(prefixes) == 0 {
		return c.Client.Subscriptions()
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	for _, t := range c.topics {
		for _, p := range prefixes {
			if matches(t, p) {
				return c.Client.Subscriptions(prefixes...)
			}
		}
	}
	return nil
}

// matches is PocketBase's test strings.HasPrefix(topic+"?", prefix)
// without building the string: a prefix ending in "?" also matches the
// bare topic it ends.
func matches(topic, prefix string) bool {
	if strings.HasPrefix(topic, prefix) {
		return true
	}
	return len(prefix) == len(topic)+1 && prefix[len(topic)] == '?' && strings.HasPrefix(prefix, topic)
}
