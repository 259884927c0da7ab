package cli

import (
	"bytes"
	"os"
	"testing"

	"github.com/spf13/cobra"

	"github.com/padron/padron/config"
)

// The exit code survives a root that, like PocketBase's, ignores errors.
func TestExitCodeOutlivesAnIgnoringRoot(t *testing.T) {
	cases := []struct {
		args []string
		want int
	}{
		{[]string{"census", "lookup", "12a"}, ExitUsage},
		{[]string{"census", "parse", "--source", "wsp"}, ExitFailure}, // empty stdin: nothing to parse
	}
	for _, tc := range cases {
		root := &cobra.Command{Use: "padron", SilenceErrors: true, SilenceUsage: true}
		cfg := config.Default()
		cfg.Bind(root.PersistentFlags(), os.Getenv)
		exit := Register(root, &cfg)
		root.SetArgs(tc.args)
		var out bytes.Buffer
		root.SetOut(&out)
		root.SetIn(bytes.NewReader(nil))
		_ = root.Execute() // ignored, as PocketBase does
		if got := exit.Code(); got != tc.want {
			t.Errorf("%v: exit code %d, want %d (output %q)", tc.args, got, tc.want, out.String())
		}
	}
}
