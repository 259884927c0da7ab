package metrics

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/types"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/padron/padron/schema"
)

// Stages of a census record's realtime delivery, each measured from the
// record's updated stamp (set as its save begins): a slow delivery shows
// whether the save, the broadcast (rule checks, the stream's queue) or the
// stream's write was late.
const (
	// StageExecuted is the record's UPDATE statement run (its validation,
	// hooks and SQL triggers), inside the transaction, before the commit.
	StageExecuted = "executed"
	// StageCommitted is the save committed (the rest of its transaction and
	// the commit itself).
	StageCommitted = "committed"
	// StageDequeued is a client's stream taking the event from its queue
	// (after the broadcast's rule checks, and the events queued before it).
	StageDequeued = "dequeued"
	// StageWritten is the event written and flushed to the client's socket.
	StageWritten = "written"
)

// realtimeTrace times every cedula_info save and its realtime messages.
type realtimeTrace struct {
	stages *prometheus.HistogramVec
}

func newRealtimeTrace() *realtimeTrace {
	return &realtimeTrace{stages: prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: namespace, Name: "realtime_census_stage_seconds",
		Help:    "From a cedula_info save's updated stamp to a stage of its realtime delivery: executed (its UPDATE ran) and committed (once per save), dequeued and written (once per client message).",
		Buckets: []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5},
	}, []string{"stage"})}
}

func (r *realtimeTrace) Describe(ch chan<- *prometheus.Desc) { r.stages.Describe(ch) }
func (r *realtimeTrace) Collect(ch chan<- prometheus.Metric) { r.stages.Collect(ch) }

// bind observes app's cedula_info saves and the realtime messages about them.
func (r *realtimeTrace) bind(app core.App) {
	observe := func(stage string, stamp time.Time) {
		if !stamp.IsZero() {
			r.stages.WithLabelValues(stage).Observe(max(0, time.Since(stamp).Seconds()))
		}
	}
	// Last around the UPDATE: the stage ends when the statement has run.
	app.OnRecordUpdateExecute(schema.CedulaInfoCollection).Bind(&hook.Handler[*core.RecordEvent]{
		Priority: -1000,
		Func: func(ev *core.RecordEvent) error {
			err := ev.Next()
			if err == nil {
				observe(StageExecuted, ev.Record.GetDateTime("updated").Time())
			}
			return err
		},
	})
	// First of the after-commit handlers, so the stage ends at the commit.
	app.OnRecordAfterUpdateSuccess(schema.CedulaInfoCollection).Bind(&hook.Handler[*core.RecordEvent]{
		Priority: -1000,
		Func: func(ev *core.RecordEvent) error {
			observe(StageCommitted, ev.Record.GetDateTime("updated").Time())
			return ev.Next()
		},
	})
	app.OnRealtimeMessageSend().BindFunc(func(ev *core.RealtimeMessageEvent) error {
		if ev.Message == nil || !strings.HasPrefix(ev.Message.Name, schema.CedulaInfoCollection+"/") {
			return ev.Next()
		}
		stamp := messageStamp(ev.Message.Data)
		observe(StageDequeued, stamp)
		err := ev.Next()
		if err == nil {
			observe(StageWritten, stamp)
		}
		return err
	})
}

// messageStamp is the updated stamp of the record a realtime message
// carries; zero when it has none.
func messageStamp(data []byte) time.Time {
	var msg struct {
		Record struct {
			Updated string `json:"updated"`
		} `json:"record"`
	}
	if json.Unmarshal(data, &msg) != nil {
		return time.Time{}
	}
	dt, err := types.ParseDateTime(msg.Record.Updated)
	if err != nil {
		return time.Time{}
	}
	return dt.Time()
}
