package diad

import (
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/padron/padron/apierrors"
	"github.com/padron/padron/schema"
)

// Mark statuses: the one mark that counts, a later mark of someone already
// marked (kept, not counted), and a mark its author took back.
const (
	MarkLive      = "live"
	MarkDuplicate = "duplicate"
	MarkUndone    = "undone"
)

// markFields are what a mark says; only status (and undone_at, set here)
// ever change after it is made.
var markFields = []string{"user", "election", "marked_by", "method", "marked_at", "duplicate_of"}

// bindMarks guards "ya votó" marks made through the records API (the create
// and update rules decided who may ask): a re-sent mark (same id, same
// author) answers the stored one; a mark is accepted only inside the
// election's open hours (late by up to LateWindow); a testigo marks only
// people of their mesa; a second mark of a marked person is kept as a
// duplicate of the first; the author may undo a live mark within
// UndoWindow, and nothing else changes.
func bindMarks(app core.App, now func() time.Time) {
	app.OnRecordCreateRequest(schema.VoteMarksCollection).BindFunc(func(e *core.RecordRequestEvent) error {
		if e.HasSuperuserAuth() {
			return e.App.RunInTransaction(func(tx core.App) error {
				e.App = tx
				if err := settleMark(tx, e.Record); err != nil {
					return err
				}
				return e.Next()
			})
		}
		if id := e.Record.Id; id != "" {
			if prev, err := e.App.FindRecordById(schema.VoteMarksCollection, id); err == nil {
				if prev.GetString("marked_by") != e.Auth.Id {
					return apierrors.New(http.StatusConflict, "id_taken", "Ese identificador ya está en uso.", nil)
				}
				return e.JSON(http.StatusOK, prev) // a re-send of what is stored
			} else if !errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("vote mark re-send: %w", err)
			}
		}
		t := now()
		election, err := e.App.FindRecordById(schema.ElectionsCollection, e.Record.GetString("election"))
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return apierrors.New(http.StatusBadRequest, "election_unknown", "Esa elección no existe.", nil)
		case err != nil: // a busy database is not an unknown election: the phone sends it again
			return fmt.Errorf("vote mark: find the election: %w", err)
		}
		markedAt := e.Record.GetDateTime("marked_at").Time()
		if markedAt.IsZero() {
			markedAt = t
		}
		if apiErr := HoursOf(election).CheckMark(markedAt, t); apiErr != nil {
			return apiErr
		}
		e.Record.Set("marked_at", markedAt.UTC())
		if e.Record.GetString("method") == "testigo" {
			if err := checkTestigoMesa(e.App, e.Auth.Id, election.Id, e.Record.GetString("user")); err != nil {
				return err
			}
		}
		return e.App.RunInTransaction(func(tx core.App) error {
			e.App = tx
			if err := settleMark(tx, e.Record); err != nil {
				return err
			}
			return e.Next()
		})
	})

	app.OnRecordUpdateRequest(schema.VoteMarksCollection).BindFunc(func(e *core.RecordRequestEvent) error {
		if e.HasSuperuserAuth() {
			return e.Next()
		}
		orig := e.Record.Original()
		for _, f := range markFields {
			if fmt.Sprint(e.Record.Get(f)) != fmt.Sprint(orig.Get(f)) {
				return apierrors.New(http.StatusBadRequest, "field_not_editable",
					"Una marca no se corrige: se deshace y se marca de nuevo.", map[string]any{"field": f})
			}
		}
		if e.Record.GetString("status") != MarkUndone {
			return apierrors.New(http.StatusBadRequest, "field_not_editable",
				"Una marca solo se puede deshacer.", map[string]any{"field": "status"})
		}
		t := now()
		if t.Sub(orig.GetDateTime("marked_at").Time()) > UndoWindow {
			return apierrors.New(http.StatusConflict, "undo_expired",
				"Ya pasaron los 5 minutos para deshacer esta marca.", nil)
		}
		e.Record.Set("undone_at", t.UTC())
		return e.Next()
	})
}

// settleMark sets the status of a new mark inside the transaction that
// saves it: live, or a duplicate of the live mark of the same person and
// election (both records are kept; the first counts).
func settleMark(tx core.App, rec *core.Record) error {
	rec.Set("undone_at", nil)
	var live struct {
		ID string `db:"id"`
	}
	err := tx.DB().Select("id").From(schema.VoteMarksCollection).
		Where(dbx.HashExp{"user": rec.GetString("user"), "election": rec.GetString("election"), "status": MarkLive}).
		Limit(1).One(&live)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		rec.Set("status", MarkLive)
		rec.Set("duplicate_of", "")
	case err != nil:
		return fmt.Errorf("vote mark: find live mark: %w", err)
	default:
		rec.Set("status", MarkDuplicate)
		rec.Set("duplicate_of", live.ID)
	}
	return nil
}

// checkTestigoMesa refuses a testigo's mark of someone who does not vote at
// the mesa they are assigned to in election.
func checkTestigoMesa(app core.App, testigoUser, election, user string) error {
	assigned, err := app.FindFirstRecordByFilter(schema.TestigosCollection,
		"user = {:u} && election = {:e} && status = 'live'", dbx.Params{"u": testigoUser, "e": election})
	if err != nil {
		return apierrors.New(http.StatusForbidden, "not_a_testigo", "No eres testigo en esta elección.", nil)
	}
	info, err := app.FindFirstRecordByData(schema.CedulaInfoCollection, "user", user)
	if err != nil || !SameMesa(assigned, info) {
		return apierrors.New(http.StatusForbidden, "not_your_mesa", "Esta persona no vota en tu mesa.", nil)
	}
	return nil
}

// SameMesa reports whether two records (a testigo, a census record, an
// E-14) name the same mesa: departamento, municipio, puesto and mesa, in
// any letter case and spacing.
func SameMesa(a, b *core.Record) bool {
	for _, f := range []string{"departamento", "municipio", "puesto", "mesa"} {
		x, y := FoldPlace(a.GetString(f)), FoldPlace(b.GetString(f))
		if x == "" || x != y {
			return false
		}
	}
	return true
}

// FoldPlace is a place field as mesas are compared everywhere (marks,
// coverage, results): blanks collapsed, upper case.
func FoldPlace(s string) string { return strings.ToUpper(strings.Join(strings.Fields(s), " ")) }
