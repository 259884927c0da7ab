// Package tree keeps the referral tree's closure table (the network
// collection) equal to the tree that users.referred_by draws, and answers
// the questions campaigns ask of it: who is below whom, how many per level,
// the census of a subtree. Every write runs inside the caller's transaction.
package tree

import (
	"errors"
	"fmt"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/security"

	"github.com/padron/padron/schema"
)

// ErrCycle is a move under the person's own subtree (themself included).
var ErrCycle = errors.New("tree: the new parent is inside the moved branch")

// Insert adds userID's rows under parentID ("" for a root): the depth-0 row
// and one per ancestor of the parent. Call it in the registration's
// transaction, after the users row exists.
func Insert(app core.App, userID, parentID string) error {
	// Ids come from the table's default (PocketBase's id shape, made by
	// SQLite per row), so a whole branch moves in one statement.
	q := "INSERT INTO {{" + schema.NetworkCollection + "}} (ancestor, descendant, depth) " +
		"SELECT {:id}, {:id}, 0"
	if parentID != "" {
		q += " UNION ALL SELECT ancestor, {:id}, depth + 1 FROM {{" + schema.NetworkCollection +
			"}} WHERE descendant = {:parent}"
	}
	if _, err := app.DB().NewQuery(q).Bind(dbx.Params{"id": userID, "parent": parentID}).Execute(); err != nil {
		return fmt.Errorf("insert %s under %q: %w", userID, parentID, err)
	}
	return shiftBranch(app, userID, 1)
}

// Move puts userID's whole branch under newParentID ("" makes it a root),
// in one statement per kind of closure row whatever the branch's size, in
// the caller's transaction: the rows to ancestors the old and new chains
// share only change depth (not at all when the branch stays at its level),
// the rows to each ancestor only above the old place become, in one
// UPDATE, the rows to one only above the new place (reattach), and the
// rows left over go (a DELETE) or come (one INSERT … SELECT of the branch's
// own rows per ancestor, attach). The counters move the same way
// (moveCounters). It
// refuses a parent inside the branch (ErrCycle). Call it in the
// transaction that changes users.referred_by.
//
// No statement here calls an SQL function or may abort half-way (the
// closure writes say OR IGNORE, and the rewrites and inserts check their
// row count),
// so SQLite keeps no statement journal for them: with the pure-Go driver
// that journal, a page copy per page touched, was most of a move's CPU.
func Move(app core.App, userID, newParentID string) error {
	if newParentID != "" {
		below, err := IsBelow(app, newParentID, userID, 0)
		if err != nil {
			return err
		}
		if below {
			return ErrCycle
		}
	}
	if err := widenCache(app); err != nil {
		return err
	}
	defer narrowCache(app)
	from, err := Depth(app, userID)
	if err != nil {
		return err
	}
	to := 0
	if newParentID != "" {
		if to, err = Depth(app, newParentID); err != nil {
			return err
		}
		to++
	}
	net := "{{" + schema.NetworkCollection + "}}"
	p := dbx.Params{"id": userID, "parent": newParentID, "delta": to - from}
	// The new chain's ancestors that are not above the branch now, with
	// their distance from the new parent, read before anything changes.
	var fresh []struct {
		Ancestor string `db:"ancestor"`
		Depth    int    `db:"depth"`
	}
	if newParentID != "" {
		err = app.DB().NewQuery("SELECT ancestor, depth FROM " + net + " WHERE descendant = {:parent}" +
			" AND ancestor NOT IN (SELECT ancestor FROM " + net + " WHERE descendant = {:id}) ORDER BY depth").Bind(p).All(&fresh)
		if err != nil {
			return fmt.Errorf("new ancestors of %s: %w", userID, err)
		}
	}
	if err := moveCounters(app, p); err != nil {
		return err
	}
	branch := "descendant IN (SELECT descendant FROM " + net + " WHERE ancestor = {:id})"
	above := "SELECT ancestor FROM " + net + " WHERE descendant = {:id} AND depth > 0"
	newChain := "SELECT ancestor FROM " + net + " WHERE descendant = {:parent}"
	if to != from {
		// OR IGNORE: no NOT NULL can fail here, and it spares the journal.
		_, err = app.DB().NewQuery("UPDATE OR IGNORE " + net + " SET depth = depth + {:delta} WHERE " + branch +
			" AND ancestor IN (" + above + " AND ancestor IN (" + newChain + "))").Bind(p).Execute()
		if err != nil {
			return fmt.Errorf("shift branch of %s: %w", userID, err)
		}
	}
	// The ancestors only above the old place, nearest first: their rows
	// become those of the fresh ancestors, pair by pair, rewritten where
	// they lie (a branch's rows are scattered over the table and its id
	// index; an UPDATE of ancestor and depth leaves the id index alone,
	// where a DELETE and an INSERT would each touch a page per person).
	var leaving []struct {
		Ancestor string `db:"ancestor"`
		Depth    int    `db:"depth"`
	}
	err = app.DB().NewQuery("SELECT ancestor, depth FROM " + net + " WHERE descendant = {:id} AND depth > 0" +
		" AND ancestor NOT IN (" + newChain + ") ORDER BY depth").Bind(p).All(&leaving)
	if err != nil {
		return fmt.Errorf("old ancestors of %s: %w", userID, err)
	}
	size, err := SubtreeSize(app, userID)
	if err != nil {
		return err
	}
	paired := min(len(leaving), len(fresh))
	for i := range paired {
		if err := reattach(app, userID, leaving[i].Ancestor, fresh[i].Ancestor, fresh[i].Depth+1-leaving[i].Depth, size+1); err != nil {
			return err
		}
	}
	if len(leaving) > paired {
		// The paired ones are above the branch no more.
		_, err = app.DB().NewQuery("DELETE FROM " + net + " WHERE " + branch +
			" AND ancestor IN (" + above + " AND ancestor NOT IN (" + newChain + "))").Bind(p).Execute()
		if err != nil {
			return fmt.Errorf("detach branch of %s: %w", userID, err)
		}
	}
	for _, a := range fresh[paired:] {
		if err := attach(app, userID, a.Ancestor, a.Depth+1, size+1); err != nil {
			return err
		}
	}
	return nil
}

// moveCacheKiB is the page cache a move may fill, over the 32,000 KiB
// PocketBase gives each connection (defaultCacheKiB): a 9,000-person move
// at 200,000 people dirties more pages than that, and SQLite then writes
// dirty pages to the WAL mid-transaction (its "spill") and again at the
// commit those it touches once more. With the wider cache such a move
// spends about 7 % less CPU (measured interleaved on 2 cores). The cache
// grows only as pages come; the commit frees what is over the default.
const moveCacheKiB, defaultCacheKiB = 131072, 32000

// widenCache lets the transaction's connection cache moveCacheKiB.
func widenCache(app core.App) error {
	if _, err := app.DB().NewQuery(fmt.Sprintf("PRAGMA cache_size = -%d", moveCacheKiB)).Execute(); err != nil {
		return fmt.Errorf("widen the page cache for a move: %w", err)
	}
	return nil
}

// narrowCache gives the connection PocketBase's cache size back (the pages
// over it are freed as the commit makes them clean).
func narrowCache(app core.App) {
	_, _ = app.DB().NewQuery(fmt.Sprintf("PRAGMA cache_size = -%d", defaultCacheKiB)).Execute()
}

// moveCounters moves the counters of {:id}'s branch from its ancestors now
// to those of {:parent}, before the closure changes: places and days leave
// the ancestors the branch leaves and reach those it reaches; the levels
// of all of them shift, those of the ancestors it keeps only when it
// changes level ({:delta} ≠ 0). The ancestors it keeps hold the same
// people by place and day whatever the level, so the root's many place
// rows are not rewritten for a move deep below it.
func moveCounters(app core.App, p dbx.Params) error {
	net := "network"
	oldChain := "SELECT ancestor, depth FROM " + net + " WHERE descendant = {:id} AND depth > 0"
	newChain := "SELECT ancestor, depth + 1 AS depth FROM " + net + " WHERE descendant = {:parent}"
	inOld := "ancestor IN (SELECT ancestor FROM " + net + " WHERE descendant = {:id})"
	inNew := "ancestor IN (SELECT ancestor FROM " + net + " WHERE descendant = {:parent})"
	levels := counterTables(0)
	if d, _ := p["delta"].(int); d != 0 {
		levels = levelCounters
	}
	steps := []struct {
		sign  int
		anc   string
		which counterTables
	}{
		{-1, oldChain + " AND NOT " + inNew, allCounters},
		{-1, oldChain + " AND " + inNew, levels},
		{1, newChain + " AND " + inOld, levels},
		{1, newChain + " AND NOT " + inOld, allCounters},
	}
	for _, s := range steps {
		if s.which == 0 {
			continue
		}
		if err := shiftBranchAt(app, p, s.sign, s.anc, s.which); err != nil {
			return err
		}
	}
	return nil
}

// attach adds the closure rows from ancestor to each of the want people
// of userID's branch (userID included), dist levels above userID, in one
// INSERT … SELECT of the branch's own rows. Their ids are made without an
// SQL function (which would make SQLite journal the statement): a random
// prefix per ancestor and move (never starting with "r", the table
// default's first letter) and the branch row's rowid, 15 characters as
// PocketBase's ids. A prefix drawn twice for one branch could meet an id
// still in place: OR IGNORE skips such rows and the count says so, and
// the missing rows are tried again with another prefix.
func attach(app core.App, userID, ancestor string, dist, want int) error {
	net := "{{" + schema.NetworkCollection + "}}"
	p := dbx.Params{"id": userID, "a": ancestor, "dist": dist}
	missing := ""
	for range 4 {
		p["prefix"] = newIDPrefix()
		res, err := app.DB().NewQuery("INSERT OR IGNORE INTO " + net + " (id, ancestor, descendant, depth)" +
			" SELECT {:prefix} || (1000000000 + d.rowid), {:a}, d.descendant, d.depth + {:dist}" +
			" FROM " + net + " d WHERE d.ancestor = {:id}" + missing).Bind(p).Execute()
		if err != nil {
			return fmt.Errorf("attach branch of %s under %s: %w", userID, ancestor, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return fmt.Errorf("attach branch of %s under %s: %w", userID, ancestor, err)
		}
		if want -= int(n); want == 0 {
			return nil
		}
		missing = " AND NOT EXISTS (SELECT 1 FROM " + net + " x WHERE x.descendant = d.descendant AND x.ancestor = {:a})"
	}
	return fmt.Errorf("attach branch of %s under %s: %d rows not written", userID, ancestor, want)
}

// reattach turns the closure rows from ancestor from to each of the want
// people of userID's branch into rows from ancestor to, shift levels
// further down (up when negative), where they lie: one UPDATE without an
// SQL function, OR IGNORE (no constraint can fail: ancestor to has no row
// to anyone in the branch), so SQLite journals nothing, and the count says
// every row was rewritten.
func reattach(app core.App, userID, from, to string, shift, want int) error {
	net := "{{" + schema.NetworkCollection + "}}"
	res, err := app.DB().NewQuery("UPDATE OR IGNORE " + net + " SET ancestor = {:to}, depth = depth + {:shift}" +
		" WHERE ancestor = {:from} AND descendant IN (SELECT descendant FROM " + net + " WHERE ancestor = {:id})").
		Bind(dbx.Params{"id": userID, "from": from, "to": to, "shift": shift}).Execute()
	if err != nil {
		return fmt.Errorf("reattach branch of %s from %s to %s: %w", userID, from, to, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("reattach branch of %s from %s to %s: %w", userID, from, to, err)
	}
	if int(n) != want {
		return fmt.Errorf("reattach branch of %s from %s to %s: %d rows rewritten, want %d", userID, from, to, n, want)
	}
	return nil
}

// newIDPrefix draws attach's id prefixes (a variable so a test can make
// two draws meet).
var newIDPrefix = func() string {
	return security.RandomStringWithAlphabet(1, "abcdefghijklmnopqstuvwxyz") +
		security.RandomStringWithAlphabet(4, "abcdefghijklmnopqrstuvwxyz")
}

// Remove drops every row of userID and takes them out of their
// ancestors' counters; call it once the person has nobody
// below them (their referidos moved up), in the deletion's transaction.
func Remove(app core.App, userID string) error {
	if err := shiftBranch(app, userID, -1); err != nil {
		return err
	}
	if err := dropOwnCounters(app, userID); err != nil {
		return err
	}
	_, err := app.DB().NewQuery("DELETE FROM {{" + schema.NetworkCollection + "}} WHERE ancestor = {:id} OR descendant = {:id}").
		Bind(dbx.Params{"id": userID}).Execute()
	if err != nil {
		return fmt.Errorf("remove %s from the network: %w", userID, err)
	}
	return nil
}

// Rebuild replaces the whole table with the tree referred_by draws, in one
// statement, and recounts the counters (the backfill; also a repair). A chain deeper than 10,000 stops
// there, as the referrer check refuses it.
func Rebuild(app core.App) error {
	if err := RebuildClosure(app); err != nil {
		return err
	}
	return Recount(app)
}

// RebuildClosure is Rebuild without the counters, for the migration that
// made the closure table before the counters existed.
func RebuildClosure(app core.App) error {
	net := "{{" + schema.NetworkCollection + "}}"
	if _, err := app.DB().NewQuery("DELETE FROM " + net).Execute(); err != nil {
		return fmt.Errorf("clear the network: %w", err)
	}
	_, err := app.DB().NewQuery("WITH RECURSIVE up(descendant, ancestor, depth) AS (" +
		"SELECT id, id, 0 FROM {{users}} " +
		"UNION ALL SELECT up.descendant, u.referred_by, up.depth + 1 FROM up JOIN {{users}} u ON u.id = up.ancestor " +
		"WHERE u.referred_by != '' AND up.depth < 10000) " +
		"INSERT INTO " + net + " (ancestor, descendant, depth) SELECT ancestor, descendant, depth FROM up").Execute()
	if err != nil {
		return fmt.Errorf("rebuild the network: %w", err)
	}
	return nil
}

// IsBelow reports whether who is in the subtree of top at depth minDepth or
// more (0: top themself counts).
func IsBelow(app core.App, who, top string, minDepth int) (bool, error) {
	var n int
	// From the up index: at most one row per level above who, whatever
	// the size of top's subtree.
	err := app.DB().NewQuery("SELECT count(*) FROM {{" + schema.NetworkCollection + "}} INDEXED BY idx_network_up WHERE descendant = {:who} AND depth >= {:min} AND ancestor = {:top}").
		Bind(dbx.Params{"top": top, "who": who, "min": minDepth}).Row(&n)
	if err != nil {
		return false, fmt.Errorf("is %s below %s: %w", who, top, err)
	}
	return n > 0, nil
}

// Ancestors are the ids above userID, nearest first (userID not included).
func Ancestors(app core.App, userID string) ([]string, error) {
	var ids []string
	err := app.DB().NewQuery("SELECT ancestor FROM {{" + schema.NetworkCollection + "}} WHERE descendant = {:id} AND depth > 0 ORDER BY depth").
		Bind(dbx.Params{"id": userID}).Column(&ids)
	if err != nil {
		return nil, fmt.Errorf("ancestors of %s: %w", userID, err)
	}
	return ids, nil
}

// SubtreeSize is how many people are below userID at any depth.
func SubtreeSize(app core.App, userID string) (int, error) {
	var n int
	err := app.DB().NewQuery("SELECT count(*) FROM {{" + schema.NetworkCollection + "}} WHERE ancestor = {:id} AND depth > 0").
		Bind(dbx.Params{"id": userID}).Row(&n)
	if err != nil {
		return 0, fmt.Errorf("subtree size of %s: %w", userID, err)
	}
	return n, nil
}
