package routes

import (
	"net/http"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
)

// Goal bounds: the users collection's own (referral_goal up to 100,000,
// subtree_goal up to 10,000,000).
const (
	referralGoalMax = 100_000
	subtreeGoalMax  = 10_000_000
)

// bindGoals sets a person's goals: their direct referidos and their whole
// subtree; coordinators for people below them, superusers for anyone.
func (r redAPI) bindGoals(se *core.ServeEvent) {
	se.Router.POST("/api/red/nodes/{id}/goals", func(e *core.RequestEvent) error {
		who, rec, body, err := managedCommand(e, map[string]redField{"referral_goal": redInt, "subtree_goal": redInt})
		if err != nil {
			return err
		}
		for field, most := range map[string]int{"referral_goal": referralGoalMax, "subtree_goal": subtreeGoalMax} {
			v, ok := body[field].(int)
			if !ok {
				continue
			}
			if v < 0 || v > most {
				return apiError(http.StatusBadRequest, "invalid_goal", "Las metas deben ser números enteros entre 0 y el máximo permitido.",
					map[string]any{"field": field, "max": most})
			}
			rec.Set(field, v)
		}
		if err := e.App.SaveNoValidate(rec); err != nil {
			return e.InternalServerError("No pudimos guardar las metas.", err)
		}
		n, err := r.nodeFor(e, who, rec.Id)
		if err != nil {
			return redError(e, err)
		}
		return e.JSON(http.StatusOK, n)
	}).Bind(apis.BodyLimit(redBodyLimit))
}
