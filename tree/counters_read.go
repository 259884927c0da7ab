package tree

import (
	"fmt"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/padron/padron/schema"
)

// CountBelow is how many people are below top by the counters (a row per
// level, not a row per person): a page planner's size of the subtree.
func CountBelow(app core.App, top string) (int, error) { return sumBelow(app, top, "total") }

// LeadersBelow is how many leaders and coordinators are below top by the
// counters (a row per level): the ranking's total.
func LeadersBelow(app core.App, top string) (int, error) { return sumBelow(app, top, "leaders") }

// sumBelow adds up a column of top's counts over the levels below top.
func sumBelow(app core.App, top, column string) (int, error) {
	var n int
	err := app.DB().NewQuery("SELECT coalesce(sum(" + column + "), 0) FROM " + CountsTable + " WHERE node = {:top}").
		Bind(dbx.Params{"top": top}).Row(&n)
	if err != nil {
		return 0, fmt.Errorf("%s below %s: %w", column, top, err)
	}
	return n, nil
}

// DayHolding is the latest UTC day ("2006-01-02") from which top's
// subtree holds at least want people, by the counters' days; "" when the
// whole subtree holds fewer. A newest-first page that needs want rows
// finds them all among the people registered since that day.
func DayHolding(app core.App, top string, want int) (string, error) {
	var days []struct {
		Day string `db:"day"`
		N   int    `db:"n"`
	}
	err := app.DB().NewQuery("SELECT day, n FROM " + DaysTable + " WHERE node = {:top} ORDER BY day DESC").
		Bind(dbx.Params{"top": top}).All(&days)
	if err != nil {
		return "", fmt.Errorf("days below %s: %w", top, err)
	}
	for _, d := range days {
		if want -= d.N; want <= 0 {
			return d.Day, nil
		}
	}
	return "", nil
}

// WalkSince chooses between the two plans of a newest-first page of the
// people below top that ends want rows in: walk users newest first on
// their (created, id) index from the returned day and probe each in the
// closure table (it stops at the page's end), or, when it returns "",
// read the subtree (total people, CountBelow) off the closure table and
// sort it. The walk costs everyone registered since the day the counters
// say the page begins, the other plan the subtree: the fewer wins.
func WalkSince(app core.App, top string, want, total int) (string, error) {
	since, err := DayHolding(app, top, want)
	if err != nil || since == "" {
		return "", err
	}
	var walk int
	err = app.DB().NewQuery("SELECT count(*) FROM (SELECT 1 FROM {{" + schema.UsersCollection + "}} INDEXED BY " + schema.UsersCreatedIndex +
		" WHERE [[created]] >= {:since} LIMIT {:total})").Bind(dbx.Params{"since": since, "total": total}).Row(&walk)
	if err != nil {
		return "", fmt.Errorf("users since %s: %w", since, err)
	}
	if walk >= total {
		return "", nil
	}
	return since, nil
}
