package routes

import (
	"net/http"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"github.com/padron/padron/schema"
)

// bindRole promotes and demotes: coordinators make people below them
// members or leaders; only superusers make (or unmake) coordinators. The
// change applies to the person's next request at once: the rules read the
// role from the database.
func (r redAPI) bindRole(se *core.ServeEvent) {
	se.Router.POST("/api/red/nodes/{id}/role", func(e *core.RequestEvent) error {
		who, rec, body, err := managedCommand(e, map[string]redField{"role": redText})
		if err != nil {
			return err
		}
		role, _ := body["role"].(string)
		switch role {
		case schema.RoleMember, schema.RoleLeader, schema.RoleCoordinator:
		default:
			return apiError(http.StatusBadRequest, "invalid_role", `El rol debe ser "member", "leader" o "coordinator".`, nil)
		}
		if !who.superuser && (role == schema.RoleCoordinator || rec.GetString("role") == schema.RoleCoordinator) {
			return apiError(http.StatusForbidden, "superusers_only", "Solo un administrador puede nombrar o quitar coordinadores.", nil)
		}
		if rec.GetString("role") != role {
			rec.Set("role", role)
			if err := e.App.SaveNoValidate(rec); err != nil {
				return e.InternalServerError("No pudimos cambiar el rol.", err)
			}
		}
		n, err := r.nodeFor(e, who, rec.Id)
		if err != nil {
			return redError(e, err)
		}
		return e.JSON(http.StatusOK, n)
	}).Bind(apis.BodyLimit(redBodyLimit))
}
