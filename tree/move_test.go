package tree_test

import (
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"github.com/padron/padron/apptest"
	"github.com/padron/padron/tree"
)

// moveTo saves who's new referrer in one transaction, as the move
// endpoint does (the network hook calls tree.Move).
func moveTo(app core.App, who, parent string) error {
	return app.RunInTransaction(func(tx core.App) error {
		rec, err := tx.FindRecordById("users", who)
		if err != nil {
			return err
		}
		rec.Set("referred_by", parent)
		return tx.SaveNoValidate(rec)
	})
}

// TestMoveSurvivesAPrefixDrawnTwice: a move writes its new closure rows
// with ids made of a random prefix and the branch row's rowid, so a prefix
// drawn twice for one branch gives ids already taken. The rows skipped are
// written again with another prefix; a prefix that never changes fails the
// move, which then leaves nothing half-done. Not parallel: it swaps the
// package's prefix source.
func TestMoveSurvivesAPrefixDrawnTwice(t *testing.T) {
	app := apptest.NewApp(t)
	defer app.Cleanup()
	addPerson(t, app, id(0), "")
	addPerson(t, app, id(1), id(0))
	addPerson(t, app, id(2), "") // the branch: a root with two levels below
	addPerson(t, app, id(3), id(2))
	addPerson(t, app, id(4), id(3))

	draws := 0
	restore := tree.SetIDPrefixes(func() string {
		draws++
		if draws <= 2 { // id(1) then id(0) get the same prefix: id(0)'s rows all collide
			return "zzzzz"
		}
		return "yyyy" + string(rune('a'+draws))
	})
	err := moveTo(app, id(2), id(1))
	restore()
	if err != nil {
		t.Fatalf("move with a prefix drawn twice: %v", err)
	}
	if draws != 3 {
		t.Errorf("%d prefixes drawn, want 3 (one more for the rows the collision skipped)", draws)
	}
	if err := tree.Verify(app); err != nil {
		t.Fatal(err)
	}
	if n, _ := tree.SubtreeSize(app, id(0)); n != 4 {
		t.Errorf("the root has %d below, want 4", n)
	}

	// A source that always answers the same prefix: the move fails whole.
	restore = tree.SetIDPrefixes(func() string { return "xxxxx" })
	defer restore()
	err = moveTo(app, id(2), "")
	if err != nil {
		t.Fatalf("a move to the top writes no rows, so no prefix: %v", err)
	}
	err = moveTo(app, id(2), id(1))
	if err == nil || !strings.Contains(err.Error(), "rows not written") {
		t.Fatalf("move with one prefix for every draw: err = %v, want rows not written", err)
	}
	if err := tree.Verify(app); err != nil {
		t.Fatal(err)
	}
	if up, _ := tree.Ancestors(app, id(4)); len(up) != 2 || up[1] != id(2) {
		t.Errorf("after the failed move the branch's deepest person has ancestors %v, want the branch's own two", up)
	}
}
