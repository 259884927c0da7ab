package cli

import (
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/padron/padron/bench"
	"github.com/padron/padron/config"
)

func newBenchCmd(cfg *config.Config) *cobra.Command {
	var quick, asJSON, keep bool
	var only []string
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Measure the whole server on this machine against the fakes and print one table",
		Long: `Runs this binary as real servers (serve) on throwaway data directories, with the
fake registrar and fake captcha service on loopback and a real Chromium, and
prints one table: Pipeline (validations per minute, register-to-final),
Registration (registrations, plain PocketBase creates and logins per second),
Realtime (1,000 SSE subscribers: delivery latency and who got what), API (a
leader with 5,000 referidos) and Memory (server and Chromium RSS). --quick
scales every section down (about a minute); --json prints the same figures as
JSON. Progress goes to stderr. Everything it starts is stopped and removed at
the end, also on Ctrl-C. Takes five to eight minutes; the machine should be quiet.`,
		Args:          cobra.NoArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			bin, err := os.Executable()
			if err != nil {
				return fmt.Errorf("bench: finding this binary: %w", err)
			}
			rep, err := bench.Run(ctx, bench.Options{
				Binary:   bin,
				Chromium: cfg.ChromiumPath,
				Quick:    quick,
				// Not cmd.ErrOrStderr(): PocketBase's error writer colours
				// its text and prints it on stdout, which --json must own.
				Progress: os.Stderr,
				Keep:     keep,
				Only:     only,
			})
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				return err
			}
			if asJSON {
				return rep.WriteJSON(cmd.OutOrStdout())
			}
			return rep.WriteTable(cmd.OutOrStdout())
		},
	}
	cmd.Flags().BoolVar(&quick, "quick", false, "a scaled-down run (about a minute)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the figures as JSON instead of a table")
	cmd.Flags().BoolVar(&keep, "keep", false, "keep the run's data directories and server logs (the path is printed)")
	cmd.Flags().StringSliceVar(&only, "only", nil, "run just these phases ("+strings.Join(bench.Phases, ", ")+"); default: all")
	return cmd
}
