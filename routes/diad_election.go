package routes

import (
	"database/sql"
	"errors"
	"net/http"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"github.com/padron/padron/diad"
	"github.com/padron/padron/schema"
)

// diadElection is the election a Día D request asks about: ?election=ID,
// or the current one. Elections are readable by everyone signed in, so no
// rule narrows this.
func diadElection(e *core.RequestEvent) (*core.Record, error) {
	if id := strings.TrimSpace(e.Request.URL.Query().Get("election")); id != "" {
		el, err := e.App.FindRecordById(schema.ElectionsCollection, id)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, apiError(http.StatusNotFound, "election_not_found", "Esa elección no existe.", nil)
		} else if err != nil {
			return nil, e.InternalServerError("No pudimos cargar la elección.", err)
		}
		return el, nil
	}
	el, err := diad.Current(e.App)
	if err != nil {
		return nil, e.InternalServerError("No pudimos cargar la elección.", err)
	}
	if el == nil {
		return nil, apiError(http.StatusNotFound, "no_election", "No hay una elección en curso.", nil)
	}
	return el, nil
}

// leaderElection is the frame of the Día D reads for leaders: the caller,
// who must lead someone, and the election asked about.
func leaderElection(e *core.RequestEvent) (caller, *core.Record, error) {
	who, err := requireLeader(e)
	if err != nil {
		return who, nil, err
	}
	election, err := diadElection(e)
	return who, election, err
}

// mesaKey identifies a mesa across the census answers and the testigos'
// assignments: the four place fields, blanks collapsed, case folded.
type mesaKey struct{ departamento, municipio, puesto, mesa string }

// keyOf is the mesaKey of the place fields.
func keyOf(departamento, municipio, puesto, mesa string) mesaKey {
	return mesaKey{diad.FoldPlace(departamento), diad.FoldPlace(municipio), diad.FoldPlace(puesto), diad.FoldPlace(mesa)}
}

// placeFilter is the ?municipio= and ?puesto= of a Día D request.
type placeFilter struct{ municipio, puesto string }

// placeFilterOf reads the request's place filter.
func placeFilterOf(e *core.RequestEvent) placeFilter {
	q := e.Request.URL.Query()
	return placeFilter{municipio: diad.FoldPlace(q.Get("municipio")), puesto: diad.FoldPlace(q.Get("puesto"))}
}

// keeps says whether the filter lets a mesa of k through.
func (f placeFilter) keeps(k mesaKey) bool {
	return (f.municipio == "" || k.municipio == f.municipio) && (f.puesto == "" || k.puesto == f.puesto)
}
