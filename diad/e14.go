package diad

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/padron/padron/apierrors"
	"github.com/padron/padron/schema"
)

// Report statuses: the count that stands, or one a later report replaced.
const (
	E14Live     = "live"
	E14Replaced = "replaced"
)

// bindE14 completes a testigo's E-14 report: the election and mesa come
// from their assignment, it is accepted once the polls have closed, its
// votes name only the election's options, a report whose counts do not add
// up to its total is flagged (kept, not refused), and a new report replaces
// the testigo's previous one.
func bindE14(app core.App, now func() time.Time) {
	app.OnRecordCreateRequest(schema.E14Collection).BindFunc(func(e *core.RecordRequestEvent) error {
		testigo, err := e.App.FindRecordById(schema.TestigosCollection, e.Record.GetString("testigo"))
		if err != nil {
			return apierrors.New(http.StatusBadRequest, "testigo_unknown", "Esa asignación de testigo no existe.", nil)
		}
		election, err := e.App.FindRecordById(schema.ElectionsCollection, testigo.GetString("election"))
		if err != nil {
			return fmt.Errorf("e14: election of testigo %s: %w", testigo.Id, err)
		}
		if !e.HasSuperuserAuth() && now().Before(HoursOf(election).Closes) {
			return apierrors.New(http.StatusConflict, "polls_open",
				"La mesa aún no ha cerrado: el E-14 se reporta después de las "+clock(HoursOf(election).Closes)+".", nil)
		}
		e.Record.Set("election", election.Id)
		for _, f := range []string{"departamento", "municipio", "puesto", "mesa"} {
			e.Record.Set(f, testigo.GetString(f))
		}
		sum, apiErr := countVotes(election, e.Record)
		if apiErr != nil {
			return apiErr
		}
		total := e.Record.GetInt("total")
		if sum != total {
			e.Record.Set("flagged", true)
			e.Record.Set("flag_reason", fmt.Sprintf("La suma de los votos (%d) no coincide con el total (%d).", sum, total))
		} else {
			e.Record.Set("flagged", false)
			e.Record.Set("flag_reason", "")
		}
		e.Record.Set("status", E14Live)
		return e.App.RunInTransaction(func(tx core.App) error {
			e.App = tx
			prev, err := tx.FindRecordsByFilter(schema.E14Collection, "testigo = {:t} && status = 'live'", "", 0, 0,
				dbx.Params{"t": testigo.Id})
			if err != nil {
				return fmt.Errorf("e14: previous reports: %w", err)
			}
			for _, p := range prev {
				p.Set("status", E14Replaced)
				if err := tx.Save(p); err != nil {
					return fmt.Errorf("e14: replace %s: %w", p.Id, err)
				}
			}
			return e.Next()
		})
	})
}

// countVotes checks rec's votes against election's options (each an
// option's whole, non-negative count) and adds them up with the blank, null
// and unmarked votes.
func countVotes(election, rec *core.Record) (int, error) {
	var options []string
	_ = json.Unmarshal([]byte(election.GetString("options")), &options)
	known := map[string]bool{}
	for _, o := range options {
		known[o] = true
	}
	var votes map[string]json.Number
	bad := func(msg string) error {
		return apierrors.New(http.StatusBadRequest, "votes_invalid", msg, nil)
	}
	dec := json.NewDecoder(strings.NewReader(rec.GetString("votes")))
	dec.UseNumber()
	if err := dec.Decode(&votes); err != nil || votes == nil {
		return 0, bad("Los votos deben ser una lista de opción y número.")
	}
	sum := 0
	for opt, n := range votes {
		if !known[opt] {
			return 0, bad(fmt.Sprintf("«%s» no es una opción de esta elección.", opt))
		}
		v, err := n.Int64()
		if err != nil || v < 0 || v > 100000 {
			return 0, bad(fmt.Sprintf("Los votos de «%s» deben ser un número entero desde 0.", opt))
		}
		sum += int(v)
	}
	return sum + rec.GetInt("blank") + rec.GetInt("null_votes") + rec.GetInt("unmarked"), nil
}
