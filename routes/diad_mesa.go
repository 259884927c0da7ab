package routes

import (
	"database/sql"
	"errors"
	"fmt"
	"net/http"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"github.com/padron/padron/diad"
	"github.com/padron/padron/schema"
)

// mesaPerson is someone who votes at a testigo's mesa, as the testigo sees
// them: a name to call out and whether they have voted, nothing of their
// census data.
type mesaPerson struct {
	ID    string `db:"id" json:"id"`
	Name  string `db:"name" json:"name"`
	Voted bool   `db:"voted" json:"voted"`
}

// bindDiaDMesa serves GET /api/dia-d/mesa: the caller's live testigo
// assignment in the current election and the people who vote at that mesa,
// so the testigo can mark them (a testigo may not read their census data
// through the collections).
func bindDiaDMesa(se *core.ServeEvent) {
	se.Router.GET("/api/dia-d/mesa", func(e *core.RequestEvent) error {
		who, ok := whoIs(e)
		if !ok || who.superuser {
			return errAuthRequired()
		}
		election, err := diad.Current(e.App)
		if err != nil {
			return e.InternalServerError("No pudimos cargar tu mesa.", err)
		}
		if election == nil {
			return apiError(http.StatusNotFound, "no_election", "No hay una elección en curso.", nil)
		}
		testigo, err := e.App.FindFirstRecordByFilter(schema.TestigosCollection,
			"user = {:u} && election = {:e} && status = 'live'", dbx.Params{"u": who.id, "e": election.Id})
		if errors.Is(err, sql.ErrNoRows) {
			return apiError(http.StatusNotFound, "not_a_testigo", "No eres testigo en esta elección.", nil)
		} else if err != nil {
			return e.InternalServerError("No pudimos cargar tu mesa.", err)
		}
		people := []mesaPerson{}
		err = e.App.DB().Select("users.id", "users.name",
			"EXISTS (SELECT 1 FROM vote_marks m WHERE m.user = users.id AND m.election = {:e} AND m.status = 'live') AS voted").
			From(schema.UsersCollection).
			InnerJoin(schema.CedulaInfoCollection+" ci", dbx.NewExp("ci.user = users.id")).
			Where(dbx.NewExp("UPPER(TRIM(ci.departamento)) = UPPER({:d}) AND UPPER(TRIM(ci.municipio)) = UPPER({:m}) AND "+
				"UPPER(TRIM(ci.puesto)) = UPPER({:p}) AND TRIM(ci.mesa) = {:mesa} AND ci.status = 'active'", dbx.Params{
				"e": election.Id, "d": testigo.GetString("departamento"), "m": testigo.GetString("municipio"),
				"p": testigo.GetString("puesto"), "mesa": testigo.GetString("mesa"),
			})).
			OrderBy("users.name").All(&people)
		if err != nil {
			return e.InternalServerError("No pudimos cargar tu mesa.", fmt.Errorf("mesa people: %w", err))
		}
		return e.JSON(http.StatusOK, map[string]any{"election": election, "testigo": testigo, "people": people})
	}).Bind(apis.BodyLimit(readBodyLimit))
}
