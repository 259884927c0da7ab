package routes

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/list"

	"github.com/padron/padron/census"
	"github.com/padron/padron/schema"
)

const (
	// MaxBulkIDs is the most ids one bulk refresh takes: one transaction of
	// that many saves stays well under the SQLite writer's patience.
	MaxBulkIDs = 500
	// bulkBodyLimit fits MaxBulkIDs ids of 15 characters with generous
	// whitespace; anything larger is not a legitimate request.
	bulkBodyLimit = 64 << 10
)

// Bulk refresh outcomes, per id.
const (
	OutcomeQueued          = "queued"
	OutcomeInFlight        = "in_flight"
	OutcomeCooldown        = "cooldown"
	OutcomeFinal           = "final"
	OutcomeNotYourReferral = "not_your_referral"
)

// BulkRefreshRequest is the bulk refresh body.
type BulkRefreshRequest struct {
	IDs []string `json:"ids"`
	// All also re-checks settled answers (census.Settled: active, cancelled_*).
	All bool `json:"all"`
}

// BulkItem is what happened to one requested id.
type BulkItem struct {
	ID      string `json:"id"`
	Outcome string `json:"outcome"`
	// State is the record's status when it was skipped as in flight or final.
	State string `json:"state,omitempty"`
	// RetryAfter is the cooldown left, in seconds, when skipped for it.
	RetryAfter int `json:"retry_after,omitempty"`
}

// BulkRefreshResult lists every requested id (duplicates once, in request
// order) with its outcome, and the totals.
type BulkRefreshResult struct {
	Queued  int        `json:"queued"`
	Skipped int        `json:"skipped"`
	Results []BulkItem `json:"results"`
}

// Reasons a bulk request is rejected before it touches the database.
var (
	ErrBadBody    = errors.New("malformed bulk refresh body")
	ErrTooManyIDs = fmt.Errorf("more than %d ids", MaxBulkIDs)
	ErrNoIDs      = errors.New("no ids")
)

func bindBulkRefresh(se *core.ServeEvent, r *refresher) {
	se.Router.POST("/api/census/bulk-refresh", func(e *core.RequestEvent) error {
		who, err := requireLeader(e)
		if err != nil {
			return err
		}
		req, err := decodeBulk(e.Request.Body)
		if err != nil {
			return bulkBodyError(err)
		}
		res, err := r.refreshMany(e.App, who, req.IDs, req.All)
		if err != nil {
			return e.InternalServerError("No pudimos programar las consultas. Inténtalo más tarde.", err)
		}
		return e.JSON(http.StatusOK, res)
	}).Bind(apis.BodyLimit(bulkBodyLimit))
}

// decodeBulk reads a bulk request strictly: unknown fields, trailing data,
// null and any other type than the documented one are errors, so a typo
// never silently queues the wrong thing. encoding/json alone would match
// "IDS" to "ids" and turn null into "" or false, so keys and types are
// checked by hand.
func decodeBulk(body io.Reader) (BulkRefreshRequest, error) {
	var req BulkRefreshRequest
	raw, err := io.ReadAll(body)
	if err != nil {
		return req, fmt.Errorf("read body: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	var fields map[string]json.RawMessage
	if err := dec.Decode(&fields); err != nil {
		return req, fmt.Errorf("%w: %w", ErrBadBody, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return req, fmt.Errorf("%w: trailing data", ErrBadBody)
	}
	if fields == nil {
		return req, fmt.Errorf("%w: not an object", ErrBadBody)
	}
	for key, value := range fields {
		switch key {
		case "ids":
			var ids []any
			if err := json.Unmarshal(value, &ids); err != nil || ids == nil {
				return req, fmt.Errorf("%w: ids is not an array", ErrBadBody)
			}
			req.IDs = make([]string, len(ids))
			for i, id := range ids {
				s, ok := id.(string)
				if !ok {
					return req, fmt.Errorf("%w: ids[%d] is not a string", ErrBadBody, i)
				}
				req.IDs[i] = s
			}
		case "all":
			var all any
			if err := json.Unmarshal(value, &all); err != nil {
				return req, fmt.Errorf("%w: %w", ErrBadBody, err)
			}
			b, ok := all.(bool)
			if !ok {
				return req, fmt.Errorf("%w: all is not true or false", ErrBadBody)
			}
			req.All = b
		default:
			return req, fmt.Errorf("%w: unknown field %q", ErrBadBody, key)
		}
	}
	switch {
	case len(req.IDs) == 0:
		return req, ErrNoIDs
	case len(req.IDs) > MaxBulkIDs:
		return req, ErrTooManyIDs
	}
	return req, nil
}

func bulkBodyError(err error) error {
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return apiError(http.StatusRequestEntityTooLarge, "body_too_large",
			"La solicitud es demasiado grande.", nil)
	case errors.Is(err, ErrNoIDs):
		return apiError(http.StatusBadRequest, "ids_required",
			`Envía al menos un identificador en "ids".`, nil)
	case errors.Is(err, ErrTooManyIDs):
		return apiError(http.StatusBadRequest, "too_many_ids",
			fmt.Sprintf("Puedes pedir como máximo %d consultas a la vez.", MaxBulkIDs),
			map[string]any{"max": MaxBulkIDs})
	default:
		return apiError(http.StatusBadRequest, "invalid_body",
			`El cuerpo debe ser JSON: {"ids": ["..."], "all": false}.`, nil)
	}
}

// refreshMany decides and queues every id in one transaction (the batch is
// one commit). With a worker, records are saved with hooks off and the
// worker announces them to realtime (a small batch before the answer, a
// large one in the background): a broadcast costs a rule check per
// subscriber per record, which would make a 500-id request take seconds
// with many subscribers. Without a worker, saves broadcast inline. Then the
// worker is woken once.
func (r *refresher) refreshMany(app core.App, who caller, ids []string, all bool) (BulkRefreshResult, error) {
	ids = dedupe(ids)
	res := BulkRefreshResult{Results: make([]BulkItem, 0, len(ids))}
	var queued []string
	err := app.RunInTransaction(func(tx core.App) error {
		queued = queued[:0]
		writer := tx
		if r.queue != nil {
			writer = tx.UnsafeWithoutHooks()
		}
		res.Results = res.Results[:0]
		res.Queued, res.Skipped = 0, 0
		infos, err := loadForBulk(tx, who, ids)
		if err != nil {
			return err
		}
		now := r.now()
		coolingDown := r.coolingDown(now)
		for _, id := range ids {
			item := BulkItem{ID: id}
			info := infos[id]
			switch {
			case info == nil:
				item.Outcome = OutcomeNotYourReferral
			case !all && census.IsSettled(info.GetString("status")):
				item.Outcome, item.State = OutcomeFinal, info.GetString("status")
			default:
				var inFlight *census.InFlightError
				var cool *CooldownError
				err := census.QueueUnless(writer, info, now, census.Request{Kind: census.KindRefresh, By: who.id}, coolingDown)
				switch {
				case errors.As(err, &inFlight):
					item.Outcome, item.State = OutcomeInFlight, inFlight.State
				case errors.As(err, &cool):
					item.Outcome, item.RetryAfter = OutcomeCooldown, cool.RetryAfterSeconds()
				case err != nil:
					return fmt.Errorf("bulk refresh %s: %w", id, err)
				default:
					queued = append(queued, info.Id)
					item.Outcome = OutcomeQueued
				}
			}
			if item.Outcome == OutcomeQueued {
				res.Queued++
			} else {
				res.Skipped++
			}
			res.Results = append(res.Results, item)
		}
		return nil
	})
	if err != nil {
		return BulkRefreshResult{}, err
	}
	if res.Queued > 0 {
		// Announced first: a small batch's states go out before the woken
		// worker starts claiming them.
		if r.queue != nil {
			r.queue.Announce(queued)
		}
		r.wake()
	}
	return res, nil
}

// loadForBulk reads, in two indexed queries, the census records of the
// users among ids that who may refresh: the users and cedula_info view rules
// must show them both, as for a single refresh. Anyone else is absent.
func loadForBulk(app core.App, who caller, ids []string) (map[string]*core.Record, error) {
	in := list.ToInterfaceSlice(ids)
	users, err := who.viewable(app, schema.UsersCollection, "id", in)
	if err != nil {
		return nil, err
	}
	var shown []string
	if err := users.Select(schema.UsersCollection + ".id").Column(&shown); err != nil {
		return nil, fmt.Errorf("load users: %w", err)
	}
	if len(shown) == 0 {
		return nil, nil
	}
	records, err := who.viewable(app, schema.CedulaInfoCollection, "user", list.ToInterfaceSlice(shown))
	if err != nil {
		return nil, err
	}
	var found []*core.Record
	if err := records.All(&found); err != nil {
		return nil, fmt.Errorf("load cedula_info: %w", err)
	}
	infos := make(map[string]*core.Record, len(found))
	for _, rec := range found {
		infos[rec.GetString("user")] = rec
	}
	return infos, nil
}

func dedupe(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	out := ids[:0:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
