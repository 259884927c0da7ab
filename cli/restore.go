package cli

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/padron/padron/backups"
)

// restoreFailure is what `padron restore` prints when it restores nothing.
type restoreFailure struct {
	Backup  string `json:"backup"`
	Error   string `json:"error"` // not_empty, unsafe_entry, no_database, usage, internal
	Message string `json:"message"`
}

func newRestoreCmd() *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:   "restore BACKUP.zip",
		Short: "Bring a backup into a fresh data directory (--dir), with no server running",
		Long: `Extracts a PocketBase backup (a file from pb_data/backups, the dashboard or S3)
into the data directory given by --dir (PocketBase's, default pb_data), for a
server started on it afterwards: the disaster case, on any machine. The
directory must be missing or empty unless --force is given, which moves its
content aside to DIR.before-restore-<time> (nothing is deleted); stop any server
using it first. Entries that would land outside the directory, links and
archives without data.db are refused before anything is written. Prints what
the restored database holds as JSON; checks that were running at backup time
("in_flight") are queued again when the server starts.`,
		Args:          cobra.ArbitraryArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			out := cmd.OutOrStdout()
			fail := func(backup, kind string, code int, err error) error {
				enc := json.NewEncoder(out)
				enc.SetEscapeHTML(false)
				_ = enc.Encode(restoreFailure{Backup: backup, Error: kind, Message: err.Error()})
				return &ExitError{Code: code, Err: err}
			}
			if len(args) != 1 {
				return fail("", errUsage, ExitUsage, errors.New("usage: padron restore BACKUP.zip --dir DIR [--force]"))
			}
			dir := ""
			if f := cmd.Flag("dir"); f != nil {
				dir = f.Value.String()
			}
			if dir == "" {
				return fail(args[0], errUsage, ExitUsage, errors.New("--dir is empty: name the data directory to restore into"))
			}
			sum, err := backups.Restore(args[0], backups.RestoreOptions{Dir: dir, Force: force})
			switch {
			case errors.Is(err, backups.ErrNotEmpty):
				return fail(args[0], "not_empty", ExitFailure, err)
			case errors.Is(err, backups.ErrUnsafeEntry):
				return fail(args[0], "unsafe_entry", ExitFailure, err)
			case errors.Is(err, backups.ErrNoDatabase):
				return fail(args[0], "no_database", ExitFailure, err)
			case err != nil:
				return fail(args[0], errInternal, ExitFailure, err)
			}
			enc := json.NewEncoder(out)
			enc.SetEscapeHTML(false)
			if err := enc.Encode(sum); err != nil {
				return fmt.Errorf("writing the summary: %w", err)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "restore into a directory that is not empty, moving its content aside")
	return cmd
}
