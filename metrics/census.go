package metrics

import (
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/padron/padron/census"
	"github.com/padron/padron/schema"
)

var (
	checksDesc     = prometheus.NewDesc(namespace+"_census_checks", "cedula_info records by status (the queue's state lives on them).", []string{"status"}, nil)
	waitingDesc    = prometheus.NewDesc(namespace+"_census_queue_waiting", "Checks waiting (pending) by why they were queued: first, refresh, revalidate.", []string{"kind"}, nil)
	lastAnswerDesc = prometheus.NewDesc(namespace+"_census_last_answer_timestamp_seconds", "When the newest census answer was fetched (0: none yet); alert when it stops moving while checks wait.", nil, nil)
	usersDesc      = prometheus.NewDesc(namespace+"_users", "Users by role.", []string{"role"}, nil)
	scrapeErrDesc  = prometheus.NewDesc(namespace+"_census_scrape_error", "1 when the database could not be read for this scrape.", nil, nil)
)

// censusCollector reads the queue from the database at scrape time, as
// /api/census/worker does.
type censusCollector struct{ app core.App }

func (c *censusCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{checksDesc, waitingDesc, lastAnswerDesc, usersDesc, scrapeErrDesc} {
		ch <- d
	}
}

func (c *censusCollector) Collect(ch chan<- prometheus.Metric) {
	failed := 0.0
	defer func() { ch <- prometheus.MustNewConstMetric(scrapeErrDesc, prometheus.GaugeValue, failed) }()
	db := c.app.DB()
	var byStatus []struct {
		Status string `db:"status"`
		N      int    `db:"n"`
	}
	if err := db.Select("status", "count(*) AS n").From(schema.CedulaInfoCollection).GroupBy("status").All(&byStatus); err != nil {
		failed = 1
		return
	}
	counts := map[string]int{}
	for _, r := range byStatus {
		counts[r.Status] = r.N
	}
	for _, s := range census.Statuses {
		ch <- prometheus.MustNewConstMetric(checksDesc, prometheus.GaugeValue, float64(counts[s]), s)
	}
	var byKind []struct {
		Kind string `db:"queue_kind"`
		N    int    `db:"n"`
	}
	if err := db.Select("queue_kind", "count(*) AS n").From(schema.CedulaInfoCollection).
		Where(dbx.HashExp{"status": census.StatusPending}).GroupBy("queue_kind").All(&byKind); err != nil {
		failed = 1
		return
	}
	kinds := map[string]int{}
	for _, k := range byKind {
		if k.Kind == "" {
			k.Kind = string(census.KindRefresh) // as census.Claim orders it
		}
		kinds[k.Kind] += k.N
	}
	for _, k := range census.Kinds {
		ch <- prometheus.MustNewConstMetric(waitingDesc, prometheus.GaugeValue, float64(kinds[string(k)]), string(k))
	}
	var newest string
	if err := db.Select("COALESCE(max(fetched_at), '')").From(schema.CedulaInfoCollection).Row(&newest); err != nil {
		failed = 1
		return
	}
	at := 0.0
	if dt, err := types.ParseDateTime(newest); err == nil && !dt.IsZero() {
		at = float64(dt.Time().UnixNano()) / float64(time.Second)
	}
	ch <- prometheus.MustNewConstMetric(lastAnswerDesc, prometheus.GaugeValue, at)
	var byRole []struct {
		Role string `db:"role"`
		N    int    `db:"n"`
	}
	if err := db.Select("role", "count(*) AS n").From(schema.UsersCollection).GroupBy("role").All(&byRole); err != nil {
		failed = 1
		return
	}
	for _, r := range byRole {
		ch <- prometheus.MustNewConstMetric(usersDesc, prometheus.GaugeValue, float64(r.N), label(r.Role))
	}
}
