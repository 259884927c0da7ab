package diad

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/padron/padron/apierrors"
	"github.com/padron/padron/schema"
)

// Assignment statuses: the testigo in charge, or one a later assignment replaced.
const (
	TestigoLive     = "live"
	TestigoReplaced = "replaced"
)

// bindTestigos keeps one live testigo per mesa and one mesa per testigo in
// an election. A new assignment replaces the live one it collides with when
// the caller made that one (or is a superuser); someone else's is a 409:
// the law allows one testigo per mesa per party.
func bindTestigos(app core.App) {
	app.OnRecordCreateRequest(schema.TestigosCollection).BindFunc(func(e *core.RecordRequestEvent) error {
		for _, f := range []string{"departamento", "municipio", "puesto", "mesa"} {
			e.Record.Set(f, strings.Join(strings.Fields(e.Record.GetString(f)), " "))
		}
		e.Record.Set("status", TestigoLive)
		return e.App.RunInTransaction(func(tx core.App) error {
			e.App = tx
			rec := e.Record
			taken, err := tx.FindRecordsByFilter(schema.TestigosCollection,
				"election = {:e} && status = 'live' && ((departamento = {:d} && municipio = {:m} && puesto = {:p} && mesa = {:mesa}) || user = {:u})",
				"", 0, 0, dbx.Params{
					"e": rec.GetString("election"), "u": rec.GetString("user"),
					"d": rec.GetString("departamento"), "m": rec.GetString("municipio"),
					"p": rec.GetString("puesto"), "mesa": rec.GetString("mesa"),
				})
			if err != nil {
				return fmt.Errorf("testigos: find collisions: %w", err)
			}
			for _, prev := range taken {
				if !e.HasSuperuserAuth() && prev.GetString("assigned_by") != e.Auth.Id {
					if prev.GetString("user") == rec.GetString("user") {
						return apierrors.New(http.StatusConflict, "testigo_taken",
							"Esta persona ya es testigo en otra mesa.", nil)
					}
					return apierrors.New(http.StatusConflict, "mesa_taken",
						"Esta mesa ya tiene un testigo de la campaña.", nil)
				}
				prev.Set("status", TestigoReplaced)
				if err := tx.Save(prev); err != nil {
					return fmt.Errorf("testigos: replace %s: %w", prev.Id, err)
				}
			}
			return e.Next()
		})
	})
}
