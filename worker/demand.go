package worker

import (
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/padron/padron/census"
	"github.com/padron/padron/schema"
)

// Demand returns the captcha token pipeline's demand signal
// (tokens.Config.Demand) for app's queue: how many due checks a worker
// would claim, at most limit, beyond those already asking for a token. It
// reads only the database, so the lookup engine is built before, and
// without, the worker that drives it. Checks count while workers are at
// work (a check is claimed) and the block breaker, as persisted, lets them
// be claimed: an idle queue, a server not running checks, or an open
// breaker buys nothing, and after the cool-off only the probe is bought
// for. clock may be nil (real time); logger gets read failures.
func Demand(app core.App, clock clockwork.Clock, logger *slog.Logger) func(limit int) int {
	if clock == nil {
		clock = clockwork.NewRealClock()
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return func(limit int) int {
		n, err := demand(app, clock.Now(), limit)
		if err != nil {
			logger.Warn("count due checks for the captcha pipeline", "error", err)
			return 0
		}
		return n
	}
}

// demand is Demand at now.
func demand(app core.App, now time.Time, limit int) (int, error) {
	if limit <= 0 {
		return 0, nil
	}
	probe, err := probeOnly(app, now)
	if err != nil {
		return 0, err
	}
	claimed, err := app.CountRecords(schema.CedulaInfoCollection, dbx.HashExp{"status": census.StatusProcessing})
	if err != nil {
		return 0, fmt.Errorf("count claimed checks: %w", err)
	}
	switch {
	case probe == breakerCooling:
		return 0, nil
	case probe == breakerProbe:
		if claimed > 0 {
			return 0, nil // the probe is out
		}
		limit = 1
	case claimed == 0:
		return 0, nil // no worker at work
	}
	return census.CountDue(app, now, limit)
}

// What the persisted breaker allows a worker to claim.
const (
	breakerAny     = iota // closed: any number
	breakerCooling        // open and cooling off: none
	breakerProbe          // one probe: half-open, or open with the cool-off over
)

// probeOnly reads the breaker a worker persisted (breaker_store.go).
func probeOnly(app core.App, now time.Time) (int, error) {
	rec, err := app.FindRecordById(schema.BreakerCollection, BreakerRowID)
	if errors.Is(err, sql.ErrNoRows) {
		return breakerAny, nil
	}
	if err != nil {
		return 0, fmt.Errorf("load the block breaker: %w", err)
	}
	switch rec.GetString("state") {
	case BreakerOpen:
		if now.Before(rec.GetDateTime("open_until").Time()) {
			return breakerCooling, nil
		}
		return breakerProbe, nil
	case BreakerHalfOpen:
		return breakerProbe, nil
	}
	return breakerAny, nil
}
