package routes

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/padron/padron/census"
)

// refreshBodyLimit caps the single refresh's body: it takes none.
const refreshBodyLimit = 1 << 10

// RefreshAccepted is the answer to a refresh that queued a check.
type RefreshAccepted struct {
	User        string         `json:"user"`
	Status      string         `json:"status"`
	RequestedAt types.DateTime `json:"requested_at"`
}

func bindCensusRefresh(se *core.ServeEvent, r *refresher) {
	se.Router.POST("/api/census/refresh", func(e *core.RequestEvent) error {
		who, ok := whoIs(e)
		if !ok {
			return errAuthRequired()
		}
		return r.serveOne(e, who, who.id)
	}).Bind(apis.BodyLimit(refreshBodyLimit))

	se.Router.POST("/api/census/refresh/{userId}", func(e *core.RequestEvent) error {
		who, ok := whoIs(e)
		if !ok {
			return errAuthRequired()
		}
		return r.serveOne(e, who, e.Request.PathValue("userId"))
	}).Bind(apis.BodyLimit(refreshBodyLimit))
}

func (r *refresher) serveOne(e *core.RequestEvent, who caller, userID string) error {
	info, err := r.refreshOne(e.App, who, userID)
	if err != nil {
		return refreshHTTPError(e, err)
	}
	return e.JSON(http.StatusAccepted, RefreshAccepted{
		User:        userID,
		Status:      info.GetString("status"),
		RequestedAt: info.GetDateTime("requested_at"),
	})
}

// refreshHTTPError turns a refresh refusal into its HTTP answer.
func refreshHTTPError(e *core.RequestEvent, err error) error {
	var inFlight *census.InFlightError
	var cool *CooldownError
	var daily *DailyLimitError
	switch {
	case errors.As(err, &inFlight):
		return apiError(http.StatusConflict, "in_flight",
			"Ya hay una consulta en curso para esta cédula.", map[string]any{"state": inFlight.State})
	case errors.As(err, &cool):
		secs := cool.RetryAfterSeconds()
		e.Response.Header().Set("Retry-After", strconv.Itoa(secs))
		return apiError(http.StatusTooManyRequests, "cooldown",
			"Esta cédula se consultó hace muy poco. Inténtalo de nuevo en "+seconds(secs)+".",
			map[string]any{"retry_after": secs})
	case errors.As(err, &daily):
		secs := daily.RetryAfterSeconds()
		e.Response.Header().Set("Retry-After", strconv.Itoa(secs))
		return apiError(http.StatusTooManyRequests, "daily_limit",
			fmt.Sprintf("Ya pediste %s de tu cédula hoy. Podrás pedir otra en %s; mientras tanto, el sistema la revisa automáticamente.",
				plural(daily.Limit, "consulta", "consultas"), hoursOrMinutes(daily.Wait)),
			map[string]any{"retry_after": secs})
	case errors.Is(err, ErrNotAllowed):
		return apiError(http.StatusForbidden, "not_allowed",
			"Solo puedes actualizar tu propia consulta.", nil)
	case errors.Is(err, ErrNotYourReferral):
		return apiError(http.StatusNotFound, "not_your_referral",
			"No encontramos esa persona entre tus referidos.", nil)
	case errors.Is(err, ErrNoRecord):
		return apiError(http.StatusNotFound, "no_record",
			"No hay una consulta de cédula para esta cuenta.", nil)
	default:
		return e.InternalServerError("No pudimos programar la consulta. Inténtalo más tarde.", err)
	}
}

// seconds says n seconds in Spanish: "1 segundo", "12 segundos".
func seconds(n int) string {
	if n == 1 {
		return "1 segundo"
	}
	return strconv.Itoa(n) + " segundos"
}

// hoursOrMinutes says a wait the way a person reads it: "3 horas", "1 hora",
// "25 minutos".
func hoursOrMinutes(d time.Duration) string {
	if h := int((d + time.Hour - 1) / time.Hour); d >= time.Hour {
		if h == 1 {
			return "1 hora"
		}
		return fmt.Sprintf("%d horas", h)
	}
	m := int((d + time.Minute - 1) / time.Minute)
	if m <= 1 {
		return "1 minuto"
	}
	return fmt.Sprintf("%d minutos", m)
}

// plural says n things: "1 consulta", "5 consultas".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
