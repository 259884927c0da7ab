package treerules

import "github.com/pocketbase/pocketbase/core"

// Checker is the app as the after-success hooks see it, for the tests.
func Checker(app core.App) core.App { return &checker{App: app} }

// IsChecker reports whether app is a Checker.
func IsChecker(app core.App) bool { _, ok := app.(*checker); return ok }

// TreeField is the field a rule is SeesUserRule of, if any.
func TreeField(app core.App, col *core.Collection, rule string) (string, bool) {
	return (&checker{App: app}).treeField(col, rule)
}
