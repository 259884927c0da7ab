package metrics

import (
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/prometheus/client_golang/prometheus"
)

var (
	rtClientsDesc = desc("realtime_clients", "Realtime (SSE) connections by who holds them: anonymous, user, superuser.", "auth")
	rtSubsDesc    = desc("realtime_subscriptions", "Realtime subscriptions held by all connections (each costs rule checks on every matching save).")
)

// realtimeCollector counts the realtime broker's clients at scrape time.
type realtimeCollector struct{ app core.App }

func (c *realtimeCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- rtClientsDesc
	ch <- rtSubsDesc
}

func (c *realtimeCollector) Collect(ch chan<- prometheus.Metric) {
	byAuth := map[string]int{"anonymous": 0, "user": 0, "superuser": 0}
	subs := 0
	for _, client := range c.app.SubscriptionsBroker().Clients() {
		subs += len(client.Subscriptions())
		auth, _ := client.Get(apis.RealtimeClientAuthKey).(*core.Record)
		switch {
		case auth == nil:
			byAuth["anonymous"]++
		case auth.IsSuperuser():
			byAuth["superuser"]++
		default:
			byAuth["user"]++
		}
	}
	for k, n := range byAuth {
		ch <- prometheus.MustNewConstMetric(rtClientsDesc, prometheus.GaugeValue, float64(n), k)
	}
	ch <- prometheus.MustNewConstMetric(rtSubsDesc, prometheus.GaugeValue, float64(subs))
}
