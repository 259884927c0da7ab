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
	return nil
}

// Move puts userID's whole branch under newParentID ("" makes it a root),
// in three statements whatever the branch's size: the rows to ancestors the
// old and new chains share only change depth (not at all when the branch
// stays at its level), the rows to ancestors only above the old place go,
// the rows to ancestors only above the new place come. It refuses a parent
// inside the branch (ErrCycle). Call it in the transaction that changes
// users.referred_by.
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
	branch := "descendant IN (SELECT descendant FROM " + net + " WHERE ancestor = {:id})"
	above := "SELECT ancestor FROM " + net + " WHERE descendant = {:id} AND depth > 0"
	newChain := "SELECT ancestor FROM " + net + " WHERE descendant = {:parent}"
	if to != from {
		_, err = app.DB().NewQuery("UPDATE " + net + " SET depth = depth + {:delta} WHERE " + branch +
			" AND ancestor IN (" + above + " AND ancestor IN (" + newChain + "))").Bind(p).Execute()
		if err != nil {
			return fmt.Errorf("shift branch of %s: %w", userID, err)
		}
	}
	_, err = app.DB().NewQuery("DELETE FROM " + net + " WHERE " + branch +
		" AND ancestor IN (" + above + " AND ancestor NOT IN (" + newChain + "))").Bind(p).Execute()
	if err != nil {
		return fmt.Errorf("detach branch of %s: %w", userID, err)
	}
	if newParentID == "" {
		return nil
	}
	_, err = app.DB().NewQuery("INSERT INTO " + net + " (ancestor, descendant, depth) SELECT" +
		" a.ancestor, d.descendant, a.depth + d.depth + 1 FROM " + net + " a, " + net + " d" +
		" WHERE a.descendant = {:parent} AND d.ancestor = {:id} AND a.ancestor NOT IN (" + above + ")").Bind(p).Execute()
	if err != nil {
		return fmt.Errorf("attach branch of %s under %s: %w", userID, newParentID, err)
	}
	return nil
}

// Remove drops every row of userID; call it once the person has nobody
// below them (their referidos moved up), in the deletion's transaction.
func Remove(app core.App, userID string) error {
	_, err := app.DB().NewQuery("DELETE FROM {{" + schema.NetworkCollection + "}} WHERE ancestor = {:id} OR descendant = {:id}").
		Bind(dbx.Params{"id": userID}).Execute()
	if err != nil {
		return fmt.Errorf("remove %s from the network: %w", userID, err)
	}
	return nil
}

// Rebuild replaces the whole table with the tree referred_by draws, in one
// statement (the backfill; also a repair). A chain deeper than 10,000 stops
// there, as the referrer check refuses it.
func Rebuild(app core.App) error {
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
	err := app.DB().NewQuery("SELECT count(*) FROM {{" + schema.NetworkCollection + "}} WHERE ancestor = {:top} AND descendant = {:who} AND depth >= {:min}").
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
