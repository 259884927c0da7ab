package metrics

import (
	"errors"
	"regexp"
	"strings"
	"sync/atomic"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/router"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/padron/padron/schema"
)

// events are the counters of what happens in this process, which no status
// keeps: registrations, logins, lookups (from their census_attempts rows),
// backups and requests.
type events struct {
	registrations prometheus.Counter
	logins        *prometheus.CounterVec
	lookups       *prometheus.HistogramVec
	requests      *prometheus.HistogramVec
	backups       *prometheus.CounterVec
	lastBackup    atomic.Int64 // unix seconds of the newest backup seen
	lastBackupG   prometheus.GaugeFunc
}

func newEvents() *events {
	e := &events{
		registrations: prometheus.NewCounter(prometheus.CounterOpts{Namespace: namespace, Name: "registrations_total",
			Help: "Users created (registrations, claim transfers, dashboard) since the process started."}),
		logins: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: namespace, Name: "logins_total",
			Help: "Password logins of members and leaders by outcome (success, failure, locked)."}, []string{"outcome"}),
		lookups: prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: namespace, Name: "lookup_duration_seconds",
			Help:    "Registrar lookups (census attempts) by outcome: an answer (found, not_found, cancelled_*) or an error class (blocked, timeout, captcha, ...).",
			Buckets: []float64{0.5, 1, 2, 5, 10, 20, 30, 45, 60, 120}}, []string{"outcome"}),
		requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: namespace, Name: "http_request_duration_seconds",
			Help:    "HTTP requests by route family and status class (realtime streams left out).",
			Buckets: []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}}, []string{"family", "code"}),
		backups: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: namespace, Name: "backups_total",
			Help: "Backups created by this process (scheduled or by a superuser) by outcome."}, []string{"outcome"}),
	}
	e.lastBackupG = prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: namespace, Name: "backup_last_success_timestamp_seconds",
		Help: "When the newest backup was made (0: none known), from the backups storage at start and each backup since."},
		func() float64 { return float64(e.lastBackup.Load()) })
	for _, o := range []string{"success", "failure"} {
		e.backups.WithLabelValues(o)
	}
	for _, o := range []string{"success", "failure", "locked"} {
		e.logins.WithLabelValues(o)
	}
	return e
}

func (e *events) Describe(ch chan<- *prometheus.Desc) {
	e.registrations.Describe(ch)
	e.logins.Describe(ch)
	e.lookups.Describe(ch)
	e.requests.Describe(ch)
	e.backups.Describe(ch)
	e.lastBackupG.Describe(ch)
}

func (e *events) Collect(ch chan<- prometheus.Metric) {
	e.registrations.Collect(ch)
	e.logins.Collect(ch)
	e.lookups.Collect(ch)
	e.requests.Collect(ch)
	e.backups.Collect(ch)
	e.lastBackupG.Collect(ch)
}

// bind counts app's events through its hooks.
func (e *events) bind(app core.App) {
	app.OnRecordAfterCreateSuccess(schema.UsersCollection).BindFunc(func(ev *core.RecordEvent) error {
		e.registrations.Inc()
		return ev.Next()
	})
	app.OnRecordAfterCreateSuccess(schema.AttemptsCollection).BindFunc(func(ev *core.RecordEvent) error {
		d := time.Duration(ev.Record.GetInt("duration_ms")) * time.Millisecond
		e.lookups.WithLabelValues(label(ev.Record.GetString("outcome"))).Observe(d.Seconds())
		return ev.Next()
	})
	// First of all handlers, so a login refused by the lock is counted too.
	app.OnRecordAuthWithPasswordRequest(schema.UsersCollection).Bind(&hook.Handler[*core.RecordAuthWithPasswordRequestEvent]{
		Priority: -1000,
		Func: func(ev *core.RecordAuthWithPasswordRequestEvent) error {
			err := ev.Next()
			outcome := "success"
			var apiErr *router.ApiError
			switch {
			case err == nil:
			case errors.As(err, &apiErr) && apiErr.Status == 429:
				outcome = "locked"
			default:
				outcome = "failure"
			}
			e.logins.WithLabelValues(outcome).Inc()
			return err
		},
	})
	app.OnBackupCreate().BindFunc(func(ev *core.BackupEvent) error {
		err := ev.Next()
		if err != nil {
			e.backups.WithLabelValues("failure").Inc()
			return err
		}
		e.backups.WithLabelValues("success").Inc()
		e.lastBackup.Store(time.Now().Unix())
		return nil
	})
}

// seedLastBackup reads the newest backup's time from the backups storage
// (local or S3), in the background, so a restarted server still knows it.
func (e *events) seedLastBackup(app core.App) {
	go func() {
		fsys, err := app.NewBackupsFilesystem()
		if err != nil {
			return
		}
		defer fsys.Close()
		files, err := fsys.List("")
		if err != nil {
			return
		}
		var newest int64
		for _, f := range files {
			if t := f.ModTime.Unix(); t > newest {
				newest = t
			}
		}
		for {
			old := e.lastBackup.Load()
			if newest <= old || e.lastBackup.CompareAndSwap(old, newest) {
				return
			}
		}
	}()
}

// requestTimer measures every request by route family, first of all
// middlewares so rate-limited and refused requests count too; realtime's
// event streams, open for minutes, are left out.
func (e *events) requestTimer() *hook.Handler[*core.RequestEvent] {
	return &hook.Handler[*core.RequestEvent]{
		Id:       "padronMetricsRequests",
		Priority: -100000,
		Func: func(ev *core.RequestEvent) error {
			fam := Family(ev.Request.URL.Path)
			if fam == "realtime" && ev.Request.Method == "GET" {
				return ev.Next()
			}
			start := time.Now()
			err := ev.Next()
			status := ev.Status()
			if err != nil {
				status = router.ToApiError(err).Status
			}
			if status == 0 {
				status = 200
			}
			e.requests.WithLabelValues(fam, codeClass(status)).Observe(time.Since(start).Seconds())
			return err
		},
	}
}

func codeClass(status int) string {
	switch {
	case status >= 500:
		return "5xx"
	case status >= 400:
		return "4xx"
	case status >= 300:
		return "3xx"
	default:
		return "2xx"
	}
}

var labelShape = regexp.MustCompile(`^[a-z_]{1,40}$`)

// label keeps a stored word as a label only if it is one of the short
// lowercase words the worker writes, so nothing else can become a series.
func label(s string) string {
	if labelShape.MatchString(s) {
		return s
	}
	return "other"
}

// Families are the route families requests are measured by: a small fixed
// set, never a raw path (paths carry ids and referral codes).
var Families = []string{"auth", "records", "realtime", "census", "referidos", "referrals", "claims", "health", "admin_api", "dashboard", "assets", "metrics", "app"}

// Family names the route family of a request path.
func Family(p string) string {
	switch {
	case p == Path:
		return "metrics"
	case p == "/api/health":
		return "health"
	case strings.HasPrefix(p, "/api/realtime"):
		return "realtime"
	case strings.HasPrefix(p, "/api/census/"):
		return "census"
	case strings.HasPrefix(p, "/api/referidos/"):
		return "referidos"
	case strings.HasPrefix(p, "/api/referrals/"):
		return "referrals"
	case strings.HasPrefix(p, "/api/cedula-claims/"):
		return "claims"
	case strings.HasPrefix(p, "/api/collections/"):
		rest := strings.TrimPrefix(p, "/api/collections/")
		_, action, _ := strings.Cut(rest, "/")
		switch {
		case strings.HasPrefix(action, "records"):
			return "records"
		case strings.HasPrefix(action, "auth-"), strings.HasPrefix(action, "request-"),
			strings.HasPrefix(action, "confirm-"), strings.HasPrefix(action, "impersonate"):
			return "auth"
		}
		return "admin_api"
	case strings.HasPrefix(p, "/api/"):
		return "admin_api"
	case p == "/_" || strings.HasPrefix(p, "/_/"):
		return "dashboard"
	case strings.HasPrefix(p, "/assets/"):
		return "assets"
	}
	return "app"
}
