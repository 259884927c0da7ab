package routes

import (
	"fmt"
	"net/http"
	"strings"
	"unicode"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"github.com/padron/padron/schema"
)

// redSearchMax is how many people one search answers.
const redSearchMax = 20

// SearchHit is one person found in the caller's subtree and the way down to them.
type SearchHit struct {
	ID   string `json:"id" db:"id"`
	Name string `json:"name" db:"name"`
	Role string `json:"role" db:"role"`
	// Path is the ids from the caller (a superuser: the person's root) down
	// to the person, both included.
	Path []string `json:"path" db:"-"`
}

func (r redAPI) bindSearch(se *core.ServeEvent) {
	se.Router.GET("/api/red/search", func(e *core.RequestEvent) error {
		who, err := requireLeader(e)
		if err != nil {
			return err
		}
		text := strings.TrimSpace(e.Request.URL.Query().Get("q"))
		if len([]rune(text)) < 2 || len(text) > 120 {
			return apiError(http.StatusBadRequest, "invalid_search", "Escribe al menos 2 letras del nombre o dígitos de la cédula.", nil)
		}
		var exclude *core.Record
		if id := strings.TrimSpace(e.Request.URL.Query().Get("exclude")); id != "" {
			// Only someone the caller may see: the answer's gaps would
			// otherwise tell who is above or below a stranger.
			rec, err := e.App.FindRecordById(schema.UsersCollection, id)
			if err != nil {
				return errNotInNetwork()
			}
			if !who.superuser {
				ok, err := who.mayView(e.App, rec)
				if err != nil {
					return e.InternalServerError("No pudimos comprobar tu acceso.", err)
				}
				if !ok {
					return errNotInNetwork()
				}
			}
			exclude = rec
		}
		hits, err := searchNetwork(e.App, who, text, exclude)
		if err != nil {
			return e.InternalServerError("No pudimos buscar en tu red.", err)
		}
		return e.JSON(http.StatusOK, map[string]any{"items": hits})
	}).Bind(apis.BodyLimit(readBodyLimit))
}

// searchNetwork finds people in who's subtree (everyone for a superuser), as the
// users list rule shows them: by cédula prefix when text is digits, else by
// a part of the name, accents and case aside. With exclude (the person the move form moves), it
// leaves out who cannot be their new referrer: the person, their whole
// branch and their current referrer.
func searchNetwork(app core.App, who caller, text string, exclude *core.Record) ([]SearchHit, error) {
	users, err := app.FindCachedCollectionByNameOrId(schema.UsersCollection)
	if err != nil {
		return nil, fmt.Errorf("collection users: %w", err)
	}
	q := app.DB().Select("users.id", "users.name", "users.role").Distinct(true).From(users.Name)
	if strings.IndexFunc(text, func(c rune) bool { return !unicode.IsDigit(c) }) < 0 {
		q.AndWhere(dbx.Like("users.cedula", text).Match(false, true))
	} else {
		// As "Toda la red" searches: accents, ñ and case aside.
		q.AndWhere(dbx.NewExp(foldedName("[[users.id]]")+" LIKE {:qname} ESCAPE '\\'",
			dbx.Params{"qname": "%" + likeEscape(foldText(text)) + "%"}))
	}
	if !who.superuser {
		inSubtree(q, who.id, true)
	}
	if exclude != nil {
		q.AndWhere(dbx.NewExp("[[users.id]] NOT IN (SELECT descendant FROM {{"+schema.NetworkCollection+
			"}} WHERE ancestor = {:moved})", dbx.Params{"moved": exclude.Id}))
		if up := exclude.GetString("referred_by"); up != "" {
			q.AndWhere(dbx.NewExp("[[users.id]] != {:movedUp}", dbx.Params{"movedUp": up}))
		}
	}
	if err := who.applyRule(app, q, users, users.ListRule); err != nil {
		return nil, err
	}
	hits := []SearchHit{}
	if err := q.OrderBy("users.name", "users.id").Limit(redSearchMax).All(&hits); err != nil {
		return nil, fmt.Errorf("search %q: %w", text, err)
	}
	for i := range hits {
		path := app.DB().Select("ancestor").From(schema.NetworkCollection).
			Where(dbx.HashExp{"descendant": hits[i].ID}).OrderBy("depth DESC")
		if !who.superuser {
			path.AndWhere(dbx.NewExp("depth <= (SELECT depth FROM {{"+schema.NetworkCollection+
				"}} WHERE ancestor = {:top} AND descendant = {:id})", dbx.Params{"top": who.id, "id": hits[i].ID}))
		}
		if err := path.Column(&hits[i].Path); err != nil {
			return nil, fmt.Errorf("path to %s: %w", hits[i].ID, err)
		}
	}
	return hits, nil
}
