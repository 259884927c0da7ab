package routes

import (
	"net/http"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
)

// bindStats serves a subtree's census stats by place (the shape of
// /api/referidos/stats) and its CSV with the chain of referrers; both read
// the people the users and cedula_info list rules show the caller.
func (r redAPI) bindStats(se *core.ServeEvent) {
	se.Router.GET("/api/red/nodes/{id}/stats", func(e *core.RequestEvent) error {
		who, rec, err := leaderNode(e)
		if err != nil {
			return err
		}
		stats, err := referidosStats(e.App, who, rec.Id)
		if err != nil {
			return e.InternalServerError("No pudimos calcular las estadísticas.", err)
		}
		return e.JSON(http.StatusOK, stats)
	}).Bind(apis.BodyLimit(readBodyLimit))

	se.Router.GET("/api/red/nodes/{id}/export.csv", func(e *core.RequestEvent) error {
		who, rec, err := leaderNode(e)
		if err != nil {
			return err
		}
		sep, err := parseSep(e)
		if err != nil {
			return err
		}
		return exportReferidos(e, who, sep, rec.Id)
	}).Bind(apis.BodyLimit(readBodyLimit))
}
