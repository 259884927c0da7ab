package treerules

import "github.com/pocketbase/pocketbase/core"

// Checker is the app as the after-success hooks see it, for the tests.
func Checker(app core.App) core.App { return &checker{App: app} }

// EventChecker is the app as one event's hooks see it: it remembers who
// sees each person it was asked about.
func EventChecker(app core.App) core.App {
	return &checker{App: app, seers: map[string]map[string]bool{}}
}

// IsChecker reports whether app is a Checker.
func IsChecker(app core.App) bool { _, ok := app.(*checker); return ok }

// TreeField is the field a rule is SeesUserRule of, if any.
func TreeField(app core.App, col *core.Collection, rule string) (string, bool) {
	return (&checker{App: app}).treeField(col, rule)
}
