package routes

import (
	"errors"
	"net/http"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/padron/padron/schema"
	"github.com/padron/padron/tree"
)

var (
	errMoveCycle = func() *router.ApiError {
		return apiError(http.StatusBadRequest, "move_cycle",
			"No se puede mover a una persona debajo de sí misma ni de alguien de su propia rama: se formaría un ciclo.", nil)
	}
	errMoveOutside = func() *router.ApiError {
		return apiError(http.StatusForbidden, "move_outside_network",
			"Solo puedes mover ramas dentro de tu propia red: la nueva persona responsable debe ser tú o alguien debajo de ti.", nil)
	}
	errParentUnknown = func() *router.ApiError {
		return apiError(http.StatusBadRequest, "parent_not_found", "No encontramos a la persona bajo la que quieres mover esta rama.", nil)
	}
)

// bindMove moves a person with their whole branch under another parent, in
// one transaction whatever the branch's size: coordinators inside their own
// subtree, superusers anywhere (an empty parent makes a root).
func (r redAPI) bindMove(se *core.ServeEvent) {
	se.Router.POST("/api/red/nodes/{id}/move", func(e *core.RequestEvent) error {
		who, rec, body, err := managedCommand(e, map[string]redField{"parent": redText})
		if err != nil {
			return err
		}
		parent, _ := body["parent"].(string)
		if parent == "" && !who.superuser {
			return errMoveOutside()
		}
		moved, err := moveBranch(e.App, who, rec.Id, parent)
		if err != nil {
			var apiErr *router.ApiError
			if errors.As(err, &apiErr) {
				return apiErr
			}
			return e.InternalServerError("No pudimos mover la rama.", err)
		}
		return e.JSON(http.StatusOK, map[string]int{"moved": moved})
	}).Bind(apis.BodyLimit(redBodyLimit))
}

// moveBranch checks and moves id's branch under parent in one transaction
// (SQLite's one writer: no registration slips in between check and move)
// and answers how many people moved, id included.
func moveBranch(app core.App, who caller, id, parent string) (int, error) {
	var moved int
	err := app.RunInTransaction(func(tx core.App) error {
		if parent != "" {
			if _, err := tx.FindRecordById(schema.UsersCollection, parent); err != nil {
				return errParentUnknown()
			}
			if !who.superuser {
				inside, err := tree.IsBelow(tx, parent, who.id, 0)
				if err != nil {
					return err
				}
				if !inside {
					return errMoveOutside()
				}
			}
			cycle, err := tree.IsBelow(tx, parent, id, 0)
			if err != nil {
				return err
			}
			if cycle {
				return errMoveCycle()
			}
		}
		rec, err := tx.FindRecordById(schema.UsersCollection, id)
		if err != nil {
			return err
		}
		size, err := tree.SubtreeSize(tx, id)
		if err != nil {
			return err
		}
		moved = size + 1
		if rec.GetString("referred_by") == parent {
			return nil
		}
		rec.Set("referred_by", parent)
		// Only the referrer changes; the network hook moves the branch.
		return tx.SaveNoValidate(rec)
	})
	if errors.Is(err, tree.ErrCycle) {
		return 0, errMoveCycle()
	}
	return moved, err
}
