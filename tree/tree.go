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

// newID is a fresh 15-character [a-z0-9] id, PocketBase's id shape, made by
// SQLite per inserted row so a branch moves in one statement.
const newID = "substr(lower(hex(randomblob(8))), 1, 15)"

// ErrCycle is a move under the person's own subtree (themself included).
var ErrCycle = errors.New("tree: the new parent is inside the moved branch")

// Insert adds userID's rows under parentID ("" for a root): the depth-0 row
// and one per ancestor of the parent. Call it in the registration's
// transaction, after the users row exists.
func Insert(app core.App, userID, parentID string) error {
	q := "INSERT INTO {{" + schema.NetworkCollection + "}} (id, ancestor, descendant, depth) " +
		"SELECT " + newID + ", {:id}, {:id}, 0"
	if parentID != "" {
		q += " UNION ALL SELECT " + newID + ", ancestor, {:id}, depth + 1 FROM {{" + schema.NetworkCollection +
			"}} WHERE descendant = {:parent}"
	}
	if _, err := app.DB().NewQuery(q).Bind(dbx.Params{"id": userID, "parent": parentID}).Execute(); err != nil {
		return fmt.Errorf("insert %s under %q: %w", userID, parentID, err)
	}
	return nil
}

// Move puts userID's whole branch under newParentID ("" makes it a root):
// the rows linking the branch to its old ancestors go, the rows to the new
// ones come, in two statements whatever the branch's size. It refuses a
// parent inside the branch (ErrCycle). Call it in the transaction that
// changes users.referred_by.
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
	net := "{{" + schema.NetworkCollection + "}}"
	p := dbx.Params{"id": userID, "parent": newParentID}
	_, err := app.DB().NewQuery("DELETE FROM " + net + " WHERE descendant IN (SELECT descendant FROM " + net +
		" WHERE ancestor = {:id}) AND ancestor IN (SELECT ancestor FROM " + net + " WHERE descendant = {:id} AND depth > 0)").
		Bind(p).Execute()
	if err != nil {
		return fmt.Errorf("detach branch of %s: %w", userID, err)
	}
	if newParentID == "" {
		return nil
	}
	_, err = app.DB().NewQuery("INSERT INTO " + net + " (id, ancestor, descendant, depth) SELECT " + newID +
		", a.ancestor, d.descendant, a.depth + d.depth + 1 FROM " + net + " a, " + net + " d" +
		" WHERE a.descendant = {:parent} AND d.ancestor = {:id}").Bind(p).Execute()
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
		"INSERT INTO " + net + " (id, ancestor, descendant, depth) SELECT " + newID + ", ancestor, descendant, depth FROM up").Execute()
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
