package routes

import (
	"net/http"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/padron/padron/census"
	"github.com/padron/padron/schema"
)

// QueueRateWindow is how far back GET /api/census/queue counts finished
// checks to measure the worker's rate.
const QueueRateWindow = 15 * time.Minute

// QueueEstimate is what any signed-in person may know about the census
// queue, to say how long a check will wait: totals and the worker's
// measured rate, never whose checks they are.
type QueueEstimate struct {
	Waiting    int     `json:"waiting"`    // checks queued (pending), due now or later
	Processing int     `json:"processing"` // checks running now
	PerMinute  float64 `json:"per_minute"` // registrar answers per minute over the window
	// ETASeconds is how long the whole queue takes at that rate; null when
	// the rate is unknown (no answer in the window).
	ETASeconds *int `json:"eta_seconds"`
	WindowMin  int  `json:"window_minutes"`
	// CooldownSeconds is the refresh cooldown after a record's last check
	// (0: off), so a page can show its countdown before anyone asks.
	CooldownSeconds int `json:"cooldown_seconds"`
}

func bindCensusQueue(se *core.ServeEvent, r *refresher) {
	se.Router.GET("/api/census/queue", func(e *core.RequestEvent) error {
		est, err := queueEstimate(e.App, r.now())
		if err != nil {
			return e.InternalServerError("", err)
		}
		if r.cooldown > 0 {
			est.CooldownSeconds = int(r.cooldown / time.Second)
		}
		return e.JSON(http.StatusOK, est)
	}).Bind(apis.RequireAuth(schema.UsersCollection, core.CollectionNameSuperusers))
}

// queueEstimate counts the queue and the answers of the last
// QueueRateWindow before now.
func queueEstimate(app core.App, now time.Time) (QueueEstimate, error) {
	est := QueueEstimate{WindowMin: int(QueueRateWindow / time.Minute)}
	var rows []struct {
		Status string `db:"status"`
		N      int    `db:"n"`
	}
	err := app.DB().Select("status", "count(*) as n").From(schema.CedulaInfoCollection).
		Where(dbx.In("status", census.StatusPending, census.StatusProcessing)).GroupBy("status").All(&rows)
	if err != nil {
		return est, err
	}
	for _, r := range rows {
		if r.Status == census.StatusPending {
			est.Waiting = r.N
		} else {
			est.Processing = r.N
		}
	}
	since, err := types.ParseDateTime(now.Add(-QueueRateWindow).UTC())
	if err != nil {
		return est, err
	}
	var done int
	err = app.DB().Select("count(*)").From(schema.AttemptsCollection).
		Where(dbx.NewExp("[[success]] = TRUE AND [[started_at]] >= {:since}", dbx.Params{"since": since.String()})).Row(&done)
	if err != nil {
		return est, err
	}
	est.PerMinute = float64(done) / QueueRateWindow.Minutes()
	if done > 0 {
		secs := int(float64(est.Waiting+est.Processing) / est.PerMinute * 60)
		est.ETASeconds = &secs
	}
	return est, nil
}
