package server

import (
	"fmt"
	"os"

	"github.com/pocketbase/pocketbase/core"
)

// warnAtStart reports what an operator must fix before census checks can
// work: in the app's logs (the dashboard) and, outside dev mode, where the
// app's logger does not print, on stderr too, so `padron serve` says it.
func warnAtStart(app core.App, msg string) {
	app.Logger().Warn(msg)
	if !app.IsDev() {
		fmt.Fprintln(os.Stderr, "padron: warning: "+msg)
	}
}
