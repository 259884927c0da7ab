// Package tree keeps the referral tree's closure table (the network
// collection) equal to the tree that users.referred_by draws, and answers
// the questions campaigns ask of it: who is below whom, how many per level,
// the census of a subtree. Every write runs inside the caller's transaction.
package tree

import (
	"errors"
	"fmt"
	"strings"

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
// in a few statements whatever the branch's size, in the caller's
// transaction. The old and new chains above the branch are read first:
// the rows to the ancestors they share only change depth (not at all when
// the branch stays at its level); the rows to each ancestor only above
// the old place become, where they lie, the rows to one only above the
// new place; those rewrites are one UPDATE (rewrite). Rows left over go
// (a DELETE) or come (one INSERT … SELECT of the branch's own rows per
// ancestor, attach). The counters move the same way (moveCounters). It
// refuses a parent inside the branch (ErrCycle). Call it in the
// transaction that changes users.referred_by.
//
// No statement here calls an SQL function or may abort half-way (the
// closure writes say OR IGNORE, and every write checks its row count),
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
	// Both chains, nearest first, as distances from the branch's head
	// {:id}: read before anything changes.
	oldChain, err := chainAbove(app, userID, 0)
	if err != nil {
		return err
	}
	var newChain []link
	if newParentID != "" {
		if newChain, err = chainAbove(app, newParentID, 1); err != nil {
			return err
		}
	}
	// Chains to a root share their top: the ancestors both hold.
	shared := 0
	for shared < min(len(oldChain), len(newChain)) &&
		oldChain[len(oldChain)-1-shared].Ancestor == newChain[len(newChain)-1-shared].Ancestor {
		shared++
	}
	leaving, fresh := oldChain[:len(oldChain)-shared], newChain[:len(newChain)-shared]
	delta := len(newChain) - len(oldChain)

	p := dbx.Params{"id": userID, "parent": newParentID, "delta": delta}
	if err := moveCounters(app, p); err != nil {
		return err
	}
	size, err := SubtreeSize(app, userID)
	if err != nil {
		return err
	}
	paired := min(len(leaving), len(fresh))
	var kept []link
	if delta != 0 {
		kept = oldChain[len(leaving):]
	}
	if err := rewrite(app, userID, leaving[:paired], fresh[:paired], kept, delta, size+1); err != nil {
		return err
	}
	if err := detach(app, userID, leaving[paired:], size+1); err != nil {
		return err
	}
	for _, a := range fresh[paired:] {
		if err := attach(app, userID, a.Ancestor, a.Depth, size+1); err != nil {
			return err
		}
	}
	return nil
}

// link is one ancestor of a branch's head and how many levels above it.
type link struct {
	Ancestor string `db:"ancestor"`
	Depth    int    `db:"depth"`
}

// chainAbove is everyone above userID (userID too when from is 1: the
// chain of a new parent), nearest first, each with their distance from
// userID plus from.
func chainAbove(app core.App, userID string, from int) ([]link, error) {
	var chain []link
	err := app.DB().NewQuery("SELECT ancestor, depth + {:from} AS depth FROM {{" + schema.NetworkCollection + "}}" +
		" WHERE descendant = {:id} AND depth + {:from} > 0 ORDER BY depth").
		Bind(dbx.Params{"id": userID, "from": from}).All(&chain)
	if err != nil {
		return nil, fmt.Errorf("chain above %s: %w", userID, err)
	}
	return chain, nil
}

// branchRowsPlan pins the plan of the statements over the rows from some
// ancestors to the people of a branch: for each person (off the down
// index), their few rows on the up index, never an ancestor's whole
// subtree (the root's is everyone).
const branchRowsPlan = " INDEXED BY idx_network_up"

// inBranch selects the rows to the people of {:id}'s branch.
func inBranch(net string) string {
	return "descendant IN (SELECT descendant FROM " + net + " WHERE ancestor = {:id})"
}

// ancestorsIn binds the ids of links as parameters named prefix0, prefix1
// … and answers the SQL list of them.
func ancestorsIn(p dbx.Params, prefix string, links []link) string {
	names := make([]string, len(links))
	for i, l := range links {
		n := fmt.Sprintf("%s%d", prefix, i)
		p[n] = l.Ancestor
		names[i] = "{:" + n + "}"
	}
	return "(" + strings.Join(names, ", ") + ")"
}

// rewrite turns, in one UPDATE where the rows lie, the closure rows from
// each ancestor from[i] to the want people of userID's branch (userID
// included) into rows from to[i], and shifts the depth of the rows to
// the kept ancestors by delta. Rewriting ancestor and depth leaves the id
// index alone (a DELETE and an INSERT would each touch a page per
// person), and each person's rows change on the pages that already hold
// them, once. OR IGNORE: no constraint can fail (no to[i] has a row to
// anyone in the branch), and it spares the journal (CASE calls no
// function); the count says every row was rewritten.
func rewrite(app core.App, userID string, from, to, kept []link, delta, want int) error {
	if len(from)+len(kept) == 0 {
		return nil
	}
	net := "{{" + schema.NetworkCollection + "}}"
	p := dbx.Params{"id": userID, "delta": delta}
	set := "depth = depth + {:delta}"
	if len(from) > 0 {
		var anc, dep strings.Builder
		for i := range from {
			t, s := fmt.Sprintf("to%d", i), fmt.Sprintf("shift%d", i)
			p[t], p[s] = to[i].Ancestor, to[i].Depth-from[i].Depth
			fmt.Fprintf(&anc, " WHEN {:from%d} THEN {:%s}", i, t)
			fmt.Fprintf(&dep, " WHEN {:from%d} THEN {:%s}", i, s)
		}
		set = "ancestor = CASE ancestor" + anc.String() + " ELSE ancestor END," +
			" depth = depth + CASE ancestor" + dep.String() + " ELSE {:delta} END"
	}
	targets := append(append([]link(nil), from...), kept...)
	list := ancestorsIn(p, "from", targets)
	return execCount(app.DB().NewQuery("UPDATE OR IGNORE "+net+branchRowsPlan+" SET "+set+
		" WHERE "+inBranch(net)+" AND ancestor IN "+list).Bind(p),
		want*len(targets), "rewrite the rows of "+userID+"'s branch")
}

// detach drops the closure rows from the ancestors gone to the want
// people of userID's branch, checked by count.
func detach(app core.App, userID string, gone []link, want int) error {
	if len(gone) == 0 {
		return nil
	}
	net := "{{" + schema.NetworkCollection + "}}"
	p := dbx.Params{"id": userID}
	list := ancestorsIn(p, "gone", gone)
	return execCount(app.DB().NewQuery("DELETE FROM "+net+branchRowsPlan+" WHERE "+inBranch(net)+" AND ancestor IN "+list).Bind(p),
		want*len(gone), "detach "+userID+"'s branch")
}

// execCount runs q and fails unless it wrote want rows.
func execCount(q *dbx.Query, want int, what string) error {
	res, err := q.Execute()
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if int(n) != want {
		return fmt.Errorf("%s: %d rows written, want %d", what, n, want)
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
