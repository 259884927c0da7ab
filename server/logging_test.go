package server

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/tests"
)

// TestLogsMaskCedulas logs a cédula the ways the worker and the engine do
// (an attribute of the record, of a With, inside a group) and checks that
// what reaches the console outside dev mode is masked at INFO and above.
func TestLogsMaskCedulas(t *testing.T) {
	t.Parallel()
	app, err := tests.NewTestApp(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(app.Cleanup)
	var console bytes.Buffer
	log := slog.New(newAppLogHandler(app, &console))

	log.Info("census lookup", "cedula", "1036601234")
	log.With("cedula", "72150987").Warn("census check failed")
	log.Error("save", slog.Group("check", "cedula", "1144055678"))
	log.Debug("debug line", "cedula", "1020304050") // below the console's level

	out := console.String()
	for _, full := range []string{"1036601234", "72150987", "1144055678", "1020304050"} {
		if strings.Contains(out, full) {
			t.Errorf("console log shows the full cédula %s:\n%s", full, out)
		}
	}
	for _, masked := range []string{"cedula=10******34", "cedula=72****87", "check.cedula=11******78"} {
		if !strings.Contains(out, masked) {
			t.Errorf("console log lacks %s:\n%s", masked, out)
		}
	}
}
