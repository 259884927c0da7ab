package routes

import (
	"net/http"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"github.com/padron/padron/census"
	"github.com/padron/padron/schema"
)

// WorkerStatus is what superusers see of the census worker and its queue.
type WorkerStatus struct {
	// Worker is the worker's own report (a worker.Status), null when this
	// process runs no worker.
	Worker any            `json:"worker"`
	Queue  map[string]int `json:"queue"` // cedula_info records by status
	// Waiting is the checks waiting in the queue (pending) by why they were
	// queued (census.Kinds), in the order the worker serves them.
	Waiting map[string]int `json:"waiting"`
}

func bindCensusStatus(se *core.ServeEvent, w StatusReporter) {
	se.Router.GET("/api/census/worker", func(e *core.RequestEvent) error {
		out := WorkerStatus{Queue: map[string]int{}, Waiting: map[string]int{}}
		if w != nil {
			out.Worker = w.Status()
		}
		var rows []struct {
			Status string `db:"status"`
			N      int    `db:"n"`
		}
		err := e.App.DB().Select("status", "count(*) as n").From(schema.CedulaInfoCollection).
			GroupBy("status").All(&rows)
		if err != nil {
			return e.InternalServerError("", err)
		}
		for _, s := range census.Statuses {
			out.Queue[s] = 0
		}
		for _, r := range rows {
			out.Queue[r.Status] = r.N
		}
		var kinds []struct {
			Kind string `db:"queue_kind"`
			N    int    `db:"n"`
		}
		err = e.App.DB().Select("queue_kind", "count(*) as n").From(schema.CedulaInfoCollection).
			Where(dbx.HashExp{"status": census.StatusPending}).GroupBy("queue_kind").All(&kinds)
		if err != nil {
			return e.InternalServerError("", err)
		}
		for _, k := range census.Kinds {
			out.Waiting[string(k)] = 0
		}
		for _, k := range kinds {
			if k.Kind == "" {
				k.Kind = string(census.KindRefresh) // as census.Claim orders it
			}
			out.Waiting[k.Kind] += k.N
		}
		return e.JSON(http.StatusOK, out)
	}).Bind(apis.RequireSuperuserAuth())
}

// StatusReporter is the part of the worker the status endpoint needs: its
// state as a value ready for JSON, so routes depends on neither the worker
// nor its scheduler. server adapts *worker.Worker with StatusFunc.
type StatusReporter interface {
	Status() any
}

// StatusFunc turns a function into a StatusReporter.
type StatusFunc func() any

// Status calls f.
func (f StatusFunc) Status() any { return f() }
